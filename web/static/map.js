// The map page: draws the layers listed in #map's data-config over the base
// map with MapLibre GL JS (an ES module embedded from npm). Our layers sit
// on a plain background, so they are drawn even when the base map's tiles
// cannot be loaded. The checkboxes of the legend show and hide layers.
// "Use my location" fills the nearest-site form from the browser's
// location; the hazard buttons above the form (#quick) fill it and send it
// at once, so that on a phone the nearest sites are one tap away. Both show
// only where the browser can ask for the location; the form works without.
// Words come from the page, in its language: the button's data-failed,
// and the controls' words in the configuration (MapLibre's locale).
const locate = document.getElementById('locate');
const quick = document.getElementById('quick');
const form = document.getElementById('nearest-form');
if (locate && 'geolocation' in navigator) {
  const located = (then) => navigator.geolocation.getCurrentPosition((pos) => {
    document.getElementById('lat').value = pos.coords.latitude.toFixed(6);
    document.getElementById('lon').value = pos.coords.longitude.toFixed(6);
    then?.();
  }, () => {
    locate.textContent = locate.dataset.failed;
    if (quick) document.getElementById('quick-status').textContent = locate.dataset.failed;
  });
  locate.hidden = false;
  locate.addEventListener('click', () => located());
  if (quick && form) {
    quick.hidden = false;
    for (const b of quick.querySelectorAll('button[data-hazard]')) {
      b.addEventListener('click', () => {
        document.getElementById('hazard').value = b.dataset.hazard;
        located(() => form.requestSubmit());
      });
    }
  }
}
// An answer is where the reader goes next: its heading takes the focus,
// for keyboards and screen readers. (Without JavaScript the form's address,
// #nearest-result, brings it into view and starts the Tab order there.)
// Not before the page has loaded: going to the address's fragment then
// would take the focus away.
const answer = document.getElementById('nearest-result');
if (answer) {
  const focus = () => answer.focus();
  if (document.readyState === 'complete') focus();
  else window.addEventListener('load', focus, { once: true });
}

// The legend's swatches take their colours here: the page's policy lets
// no style attribute in, but allows a script's.
for (const sw of document.querySelectorAll('.swatch[data-color]')) sw.style.backgroundColor = sw.dataset.color;

const el = document.getElementById('map');
const cfg = JSON.parse(el.dataset.config);
const maplibregl = await import(cfg.lib);
maplibregl.setWorkerUrl(cfg.worker);

const style = {
  version: 8,
  sources: {
    base: { type: 'raster', tiles: [cfg.base.tiles], tileSize: 256, maxzoom: 18, attribution: cfg.base.attribution },
  },
  layers: [
    { id: 'background', type: 'background', paint: { 'background-color': '#f2efe9' } },
    { id: 'base', type: 'raster', source: 'base' },
  ],
};

const map = new maplibregl.Map({
  container: el,
  style,
  center: [139.56, 35.71],
  zoom: 12,
  attributionControl: { compact: false },
  locale: cfg.locale,
});
map.addControl(new maplibregl.NavigationControl(), 'top-right');
map.addControl(new maplibregl.ScaleControl(), 'bottom-left');
window.portalMap = map; // for tests and for the curious

// The ids of the map layers that draw a data layer.
function drawn(id) {
  return [`${id}-fill`, `${id}-line`, `${id}-point`];
}

map.on('load', async () => {
  const bounds = new maplibregl.LngLatBounds();
  for (const layer of cfg.layers) {
    let data;
    try {
      const res = await fetch(layer.url);
      if (!res.ok) throw new Error(`${res.status}`);
      data = await res.json();
    } catch (err) {
      console.warn(`layer ${layer.id}: ${err}`);
      continue;
    }
    for (const f of data.features) extend(bounds, f.geometry);
    map.addSource(layer.id, { type: 'geojson', data });
    const [fill, line, point] = drawn(layer.id);
    map.addLayer({ id: fill, type: 'fill', source: layer.id, filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': layer.color, 'fill-opacity': 0.25 } });
    map.addLayer({ id: line, type: 'line', source: layer.id, filter: ['!=', ['geometry-type'], 'Point'],
      paint: { 'line-color': layer.color, 'line-width': 2 } });
    map.addLayer({ id: point, type: 'circle', source: layer.id, filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-color': layer.color, 'circle-radius': 6, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1.5 } });
    map.on('click', point, (e) => popup(e, layer));
    map.on('click', fill, (e) => popup(e, layer));
  }
  if (!bounds.isEmpty()) map.fitBounds(bounds, { padding: 40, maxZoom: 16, duration: 0 });
  el.dataset.ready = 'true';
});

// Placing a point (the admin's photo page): a click on the map writes its
// latitude and longitude into the form's fields and a marker shows it;
// typing in the fields moves the marker. The fields work without the map.
if (cfg.place) {
  const lat = document.getElementById(cfg.place.lat);
  const lon = document.getElementById(cfg.place.lon);
  const marker = new maplibregl.Marker({ color: '#d95f02' });
  const show = () => {
    const a = parseFloat(lat.value);
    const o = parseFloat(lon.value);
    if (Number.isFinite(a) && Number.isFinite(o) && Math.abs(a) <= 90 && Math.abs(o) <= 180) {
      marker.setLngLat([o, a]).addTo(map);
      return [o, a];
    }
    marker.remove();
    return null;
  };
  const at = show();
  if (at) map.jumpTo({ center: at, zoom: 16 });
  map.on('click', (e) => {
    lat.value = e.lngLat.lat.toFixed(6);
    lon.value = e.lngLat.lng.toFixed(6);
    show();
  });
  lat.addEventListener('change', show);
  lon.addEventListener('change', show);
}

for (const box of document.querySelectorAll('input[data-layer]')) {
  box.addEventListener('change', () => {
    for (const id of drawn(box.dataset.layer)) {
      if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', box.checked ? 'visible' : 'none');
    }
  });
}

function extend(bounds, g) {
  if (!g) return;
  const walk = (c) => (typeof c[0] === 'number' ? bounds.extend(c) : c.forEach(walk));
  if (g.type === 'GeometryCollection') g.geometries.forEach((x) => extend(bounds, x));
  else walk(g.coordinates);
}

// japanese tells text in Japanese (kana or kanji), to mark its language.
const japanese = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

// popup shows a feature's name and a link to its layer's page; text only, so
// nothing in the data is ever read as HTML. A photo (from the photos'
// GeoJSON, whose features carry their page and thumbnail) shows its
// thumbnail and opens its own page. Those addresses are this server's: only
// their paths are used, so a link or an image never leaves it.
function popup(e, layer) {
  const p = e.features[0].properties;
  const name = photoTitle(p) ?? p['名称'] ?? p['施設名'] ?? p['イベント名'] ?? p['設置位置'] ?? p['タイトル'] ?? layer.title;
  const div = document.createElement('div');
  const strong = document.createElement('strong');
  strong.textContent = name;
  strong.lang = japanese.test(name) ? 'ja' : document.documentElement.lang;
  if (typeof p.url === 'string' && typeof p.thumbnail === 'string') {
    const photo = document.createElement('a');
    photo.href = new URL(p.url, location.href).pathname;
    photo.className = 'popup-photo';
    const img = document.createElement('img');
    img.src = new URL(p.thumbnail, location.href).pathname;
    img.alt = ''; // the title beside it names the photo
    img.width = 200;
    photo.append(img, document.createElement('br'), strong);
    div.append(photo);
  } else {
    div.append(strong);
  }
  const a = document.createElement('a');
  a.href = layer.page;
  a.textContent = layer.title;
  a.lang = layer.lang;
  div.append(document.createElement('br'), a);
  new maplibregl.Popup().setLngLat(e.lngLat).setDOMContent(div).addTo(map);
}

// photoTitle is a photo's title in the page's language, when the feature
// is a photo. MapLibre hands nested properties over as JSON text.
function photoTitle(p) {
  let t = p.title;
  if (typeof t === 'string' && t.startsWith('{')) {
    try {
      t = JSON.parse(t);
    } catch {
      return undefined;
    }
  }
  if (!t || typeof t !== 'object') return undefined;
  return (document.documentElement.lang === 'en' && t.en) || t.ja;
}
