package web

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
)

// openDataListHeader is the header of the Digital Agency's オープンデータ一覧
// template (xxxxxx_open_data_list.csv); a test checks it against the
// template in ../shared/data/standard-templates.
var openDataListHeader = []string{"都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "データ名称",
	"データ概要", "データ形式", "分類", "更新頻度", "URL", "API対応有無", "ライセンス", "登録日", "最終更新日", "備考"}

// openDataList answers /open_data_list.csv: every published dataset as one
// row of the standard open-data list (オープンデータ一覧). A row is a dataset,
// not a file: the template's データ形式 holds a dataset's formats and its URL
// the dataset's page, where each download is.
//
// UTF-8 with a BOM, CRLF: the template itself is written so, and Excel,
// which most municipal staff open it with, needs the BOM to read UTF-8.
func (s *Server) openDataList(c *gin.Context) error {
	ds, _, _, err := s.store.FindDatasets(c.Request.Context(), catalog.Filter{})
	if err != nil {
		return err
	}
	// NO must identify a dataset within the municipality: the catalog's
	// own id does, and stays the same when others are added or withdrawn.
	slices.SortFunc(ds, func(a, b *catalog.Dataset) int { return int(a.ID - b.ID) })
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	if err := w.Write(openDataListHeader); err != nil {
		return err
	}
	for _, d := range ds {
		if err := w.Write(s.openDataListRow(d)); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	body := buf.Bytes()
	etag := strongETag("open_data_list", string(body))
	h := c.Writer.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "public, max-age=300")
	if _, match := ifNoneMatch(c.Request, etag); match {
		c.Status(http.StatusNotModified)
		return nil
	}
	name := "open_data_list.csv"
	if code := s.cfg.City.Code; code != "" {
		name = code + "_" + name // as the template names it: xxxxxx_open_data_list.csv
	}
	h.Set("Content-Disposition", contentDisposition(name, name))
	c.Data(http.StatusOK, "text/csv; charset=utf-8; header=present", body)
	return nil
}

func (s *Server) openDataListRow(d *catalog.Dataset) []string {
	city := s.cfg.City
	pref, cityName := prefectureName(city.Code), city.NameJA
	if isPrefectureCode(city.Code) {
		cityName = "" // the template: 都道府県については記載不要
	}
	var notes []string
	if d.Standard != "" {
		notes = append(notes, "自治体標準オープンデータセット「"+d.Standard+"」")
	}
	notes = append(notes, "API: "+s.apiURL(d.Slug))
	return []string{
		city.Code,
		strconv.FormatInt(d.ID, 10),
		pref,
		cityName,
		d.TitleJA,
		d.DescriptionJA,
		strings.Join(d.Formats, ";"), // the Agency's templates separate several values with ";"
		statCategory(d.Themes),
		frequencyJA(d.Frequency),
		s.cfg.BaseURL + "/datasets/" + d.Slug,
		"有", // every published dataset has its records in /api/v1
		licenseLabel(d.License),
		dateJA(d.Issued),
		dateJA(d.Modified),
		strings.Join(notes, ";"),
	}
}

func dateJA(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(japan).Format(time.DateOnly)
}

// statCategories maps the EU data themes the catalog uses to the
// template's 分類, which takes one of 17 fixed values (the statistical
// fields of e-Stat).
var statCategories = map[string]string{
	"AGRI": "農林水産業",
	"ECON": "企業・家計・経済",
	"EDUC": "教育・文化・スポーツ・生活",
	"ENER": "エネルギー・水",
	"ENVI": "司法・安全・環境",
	"GOVE": "行財政",
	"HEAL": "社会保障・衛生",
	"INTR": "国際",
	"JUST": "司法・安全・環境",
	"REGI": "国土・気象",
	"SOCI": "人口・世帯",
	"TECH": "情報通信・科学技術",
	"TRAN": "運輸・観光",
}

// statCategory is the 分類 of a dataset's first theme: the template wants
// one value, and a dataset's themes are listed most important first.
func statCategory(themes []string) string {
	for _, t := range themes {
		if c, ok := statCategories[t]; ok {
			return c
		}
	}
	return "その他"
}

// frequencyJA writes an EU frequency code the way municipal lists do.
func frequencyJA(code string) string {
	switch code {
	case "":
		return ""
	case "CONT", "UPDATE_CONT":
		return "随時"
	case "HOURLY":
		return "毎時"
	case "DAILY":
		return "毎日"
	case "WEEKLY":
		return "毎週"
	case "BIWEEKLY":
		return "2週間ごと"
	case "MONTHLY":
		return "毎月"
	case "BIMONTHLY":
		return "2か月ごと"
	case "QUARTERLY":
		return "四半期ごと"
	case "ANNUAL_2":
		return "半年ごと"
	case "ANNUAL":
		return "毎年"
	case "BIENNIAL":
		return "2年ごと"
	case "TRIENNIAL":
		return "3年ごと"
	case "IRREG":
		return "不定期"
	case "NEVER":
		return "更新なし"
	}
	return code
}

// licenseLabel names a license as municipal lists usually do ("CC BY 4.0"),
// falling back on its Japanese title.
func licenseLabel(id string) string {
	switch id {
	case "CC-BY-4.0":
		return "CC BY 4.0"
	case "CC0-1.0":
		return "CC0 1.0"
	}
	if l, ok := catalog.LicenseByID(id); ok {
		return l.TitleJA
	}
	return id
}

// prefectures are the prefectures by their JIS X 0401 code, the first two
// digits of every 全国地方公共団体コード.
var prefectures = [...]string{"", "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
	"群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県",
	"静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県",
	"広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県",
	"鹿児島県", "沖縄県"}

// prefectureName is the prefecture of a local government code, or "".
func prefectureName(code string) string {
	if len(code) < 2 {
		return ""
	}
	n, err := strconv.Atoi(code[:2])
	if err != nil || n < 1 || n >= len(prefectures) {
		return ""
	}
	return prefectures[n]
}

// isPrefectureCode tells whether code is a prefecture's own (130001), not
// a municipality's (132039).
func isPrefectureCode(code string) bool {
	return len(code) >= 5 && code[2:5] == "000"
}
