// The upload form works without this script (a plain multipart POST).
// With it, the clerk sees how much has been sent: large photo sets take
// minutes on a city office's line. The answer is the report page (after
// the server's redirect) or the form again with what was wrong; either
// replaces the page.
const form = document.getElementById('upload-form');
const box = document.getElementById('upload-progress');
const bar = document.getElementById('upload-bar');
const percent = document.getElementById('upload-percent');

if (form && box && bar && window.XMLHttpRequest && window.FormData) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    box.hidden = false;
    xhr.upload.addEventListener('progress', (e) => {
      if (!e.lengthComputable) return;
      const p = Math.floor((e.loaded / e.total) * 100);
      bar.value = p;
      percent.textContent = p + '%';
    });
    xhr.upload.addEventListener('load', () => {
      percent.textContent = '検査中…';
    });
    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300 && xhr.responseURL && xhr.responseURL !== form.action) {
        window.location.assign(xhr.responseURL);
        return;
      }
      // The form again, with the server's message: show that page.
      const doc = new DOMParser().parseFromString(xhr.responseText, 'text/html');
      const main = doc.querySelector('main');
      if (main) {
        document.querySelector('main').replaceWith(main);
        const alert = main.querySelector('[role="alert"]');
        if (alert) {
          alert.tabIndex = -1;
          alert.focus();
        }
        // The new form needs this script again.
        const again = document.createElement('script');
        again.type = 'module';
        again.src = new URL(import.meta.url).pathname + '?again=' + Date.now();
        document.body.append(again);
      } else {
        button.disabled = false;
        percent.textContent = '送信できませんでした（' + xhr.status + '）';
      }
    });
    xhr.addEventListener('error', () => {
      button.disabled = false;
      percent.textContent = '送信できませんでした。通信を確かめて、もう一度送ってください。';
    });
    xhr.send(new FormData(form));
  });
}
