package datasets

import (
	"strings"

	"github.com/machi-opendata/portal/catalog"
)

// The Digital Agency's standard datasets (自治体標準オープンデータセット,
// formerly 推奨データセット) written down as column lists.
//
// Scheme "2019" is the header of the Agency's CSV templates
// (xxxxxx_*.csv, the older scheme: 都道府県コード又は市区町村コード, NO,
// 都道府県名, 市区町村名, 住所, 方書, ...); a test checks every list
// against ../shared/data/standard-templates. Scheme "2023" is the newer
// scheme: 指定緊急避難場所一覧's is the Agency's template
// (2023_evacuation_space.csv); 公共施設一覧's and イベント一覧's are
// inferred from it (the same renames and the same address and contact
// blocks), and every other standard's is derived from its 2019 list by
// scheme2023. Scheme "gsi" is the 国土地理院 evacuation-site CSV.
//
// The lists live in code, not in files, because the server cannot read the
// shared reference data at run time.

// standardDef is a standard as written down here; Standards builds its
// Fields from it.
type standardDef struct {
	id, name string
	kind     catalog.Kind
	schemes  []scheme
	// keys names the field of columns that commonKey does not know or
	// that mean something else in this standard (場所名称 is the photo's
	// place). Columns with no key anywhere are keyed by their own name.
	keys map[string]string
	// aliases are further header names for a field, found in real files
	// but in no scheme.
	aliases  map[string][]string
	required []string // field keys
}

// scheme is one header layout of a standard.
type scheme struct {
	name    string
	columns []string
	// keys overrides the field of a column in this scheme only:
	// 市区町村コード is the code of the managing body in the 2019
	// evacuation list but a second code beside 全国地方公共団体コード in
	// the 2023 one.
	keys map[string]string
}

// Scheme names, as in Mapping.Scheme.
const (
	Scheme2019 = "2019"
	Scheme2023 = "2023"
	SchemeGSI  = "gsi"
)

func standardDefs() []standardDef {
	tableStd := func(id, name string, required []string, keys map[string]string, columns ...string) standardDef {
		return standardDef{id: id, name: name, kind: catalog.KindTable, keys: keys, required: required,
			schemes: []scheme{{name: Scheme2019, columns: columns}, {name: Scheme2023, columns: scheme2023(columns)}}}
	}
	return []standardDef{
		{
			id: "public_facility", name: "公共施設一覧", kind: catalog.KindFacility,
			required: []string{"name"},
			aliases: map[string][]string{
				"name":     {"施設名", "施設名称", "施設名等", "名前"},
				"category": {"種別", "分類", "施設分類", "施設種別", "カテゴリ"},
			},
			schemes: []scheme{
				{name: Scheme2019, columns: []string{
					"都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "名称", "名称_カナ", "名称_通称", "POIコード",
					"住所", "方書", "緯度", "経度", "電話番号", "内線番号", "法人番号", "団体名", "利用可能曜日", "開始時間", "終了時間",
					"利用可能時間特記事項", "説明", "バリアフリー情報", "URL", "備考"}},
				{name: Scheme2023, columns: []string{
					"全国地方公共団体コード", "ID", "地方公共団体名", "名称", "名称_カナ", "名称_英字", "名称_通称", "POIコード",
					"所在地_全国地方公共団体コード", "町字ID", "所在地_連結表記", "所在地_都道府県", "所在地_市区町村", "所在地_町字",
					"所在地_番地以下", "建物名等(方書)", "緯度", "経度", "電話番号", "内線番号", "連絡先メールアドレス", "連絡先FormURL",
					"連絡先備考（その他、SNSなど）", "郵便番号", "法人番号", "団体名", "利用可能曜日", "開始時間", "終了時間",
					"利用可能時間特記事項", "説明", "バリアフリー情報", "URL", "画像", "画像_ライセンス", "備考"}},
			},
		},
		{
			id: "evacuation_space", name: "指定緊急避難場所一覧", kind: catalog.KindEvacuation,
			required: []string{"name", "address"},
			aliases: map[string][]string{
				"name":         {"避難場所名", "避難場所名称", "施設名", "施設名称"},
				"also_shelter": {"指定避難所との重複", "指定避難所との住所同一", "指定避難所"},
				"capacity":     {"収容人数", "収容可能人数"},
			},
			schemes: []scheme{
				{name: Scheme2019, keys: map[string]string{"市区町村コード": "code"}, columns: []string{
					"NO", "名称", "名称_カナ", "住所", "方書", "緯度", "経度", "標高", "電話番号", "内線番号", "市区町村コード",
					"都道府県名", "市区町村名", "災害種別_洪水", "災害種別_崖崩れ、土石流及び地滑り", "災害種別_高潮", "災害種別_地震",
					"災害種別_津波", "災害種別_大規模な火事", "災害種別_内水氾濫", "災害種別_火山現象", "指定避難所との重複",
					"想定収容人数", "対象となる町会・自治会", "URL", "備考"}},
				{name: Scheme2023, keys: map[string]string{"市区町村コード": "city_code"}, columns: []string{
					"全国地方公共団体コード", "ID", "名称", "名称_カナ", "名称_英字", "所在地_全国地方公共団体コード", "町字ID",
					"所在地_連結表記", "所在地_都道府県", "所在地_市区町村", "所在地_町字", "所在地_番地以下", "建物名等(方書)", "緯度",
					"経度", "標高", "電話番号", "内線番号", "連絡先メールアドレス", "連絡先FormURL", "連絡先備考（その他、SNSなど）",
					"郵便番号", "市区町村コード", "地方公共団体名", "災害種別_洪水", "災害種別_崖崩れ、土石流及び地滑り", "災害種別_高潮",
					"災害種別_地震", "災害種別_津波", "災害種別_大規模な火事", "災害種別_内水氾濫", "災害種別_火山現象",
					"指定避難所との重複", "想定収容人数", "対象となる町会・自治会", "URL", "画像", "画像_ライセンス", "備考"}},
				{name: SchemeGSI, columns: []string{
					"NO", "共通ID", "施設・場所名", "住所", "洪水", "崖崩れ、土石流及び地滑り", "高潮", "地震", "津波", "大規模な火事",
					"内水氾濫", "火山現象", "指定避難所との住所同一", "緯度", "経度", "備考"}},
			},
		},
		{
			id: "event", name: "イベント一覧", kind: catalog.KindEvent,
			required: []string{"name", "start_date"},
			aliases: map[string][]string{
				"name":        {"イベント名称", "催し名", "行事名"},
				"start_date":  {"開催日", "開催開始日"},
				"end_date":    {"開催終了日"},
				"place":       {"会場", "開催場所"},
				"category":    {"イベント種類", "種別", "分類", "カテゴリ"},
				"fee_type":    {"料金種別"},
				"content_url": {"コンテンツURL"},
			},
			schemes: []scheme{
				{name: Scheme2019, columns: []string{
					"都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "イベント名", "イベント名_カナ", "イベント名_英語",
					"開始日", "終了日", "開始時間", "終了時間", "開始日時特記事項", "説明", "料金(基本)", "料金(詳細)", "連絡先名称",
					"連絡先電話番号", "連絡先内線番号", "主催者", "場所名称", "住所", "方書", "緯度", "経度", "アクセス方法", "駐車場情報",
					"定員", "参加申込終了日", "参加申込終了時間", "参加申込方法", "URL", "備考"}},
				{name: Scheme2023, columns: []string{
					"全国地方公共団体コード", "ID", "地方公共団体名", "イベント名", "イベント名_カナ", "イベント名_英字", "開始日", "終了日",
					"開始時間", "終了時間", "開始日時特記事項", "説明", "料金(基本)", "料金(詳細)", "連絡先名称", "連絡先電話番号",
					"連絡先内線番号", "連絡先メールアドレス", "連絡先FormURL", "連絡先備考（その他、SNSなど）", "主催者", "場所名称",
					"所在地_全国地方公共団体コード", "町字ID", "所在地_連結表記", "所在地_都道府県", "所在地_市区町村", "所在地_町字",
					"所在地_番地以下", "建物名等(方書)", "緯度", "経度", "郵便番号", "アクセス方法", "駐車場情報", "定員", "参加申込終了日",
					"参加申込終了時間", "参加申込方法", "URL", "画像", "画像_ライセンス", "備考"}},
			},
		},
		{
			// 写真アーカイブ has no standard of its own; it follows
			// 文化財一覧, whose 画像 column is the photo, with the
			// columns photo archives add (撮影日, 撮影者...) as aliases.
			id: "cultural_property", name: "文化財一覧", kind: catalog.KindPhoto,
			required: []string{"title", "image"},
			keys:     map[string]string{"名称": "title", "画像_ライセンス": "license"},
			aliases: map[string][]string{
				"title":       {"タイトル", "題名", "件名", "写真名", "作品名"},
				"image":       {"画像ファイル", "画像ファイル名", "ファイル名", "写真", "写真ファイル", "写真ファイル名", "画像URL"},
				"date":        {"撮影日", "撮影年月日", "撮影日時", "撮影年", "撮影年代", "撮影時期", "年代", "年月日", "日付"},
				"place":       {"撮影場所", "撮影地", "場所"},
				"creator":     {"撮影者", "作者", "作成者", "制作者"},
				"license":     {"ライセンス", "利用条件"},
				"description": {"解説", "内容"},
			},
			schemes: []scheme{
				{name: Scheme2019, columns: []string{
					"都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "名称", "名称_カナ", "名称_通称", "名称_英語",
					"文化財分類", "種類", "場所名称", "住所", "方書", "緯度", "経度", "電話番号", "内線番号", "員数（数）", "員数（単位）",
					"法人番号", "所有者等", "文化財指定日", "利用可能曜日", "開始時間", "終了時間", "利用可能日時特記事項", "画像",
					"画像_ライセンス", "概要", "概要_英語", "説明", "説明_英語", "URL", "備考"}},
			},
		},
		tableStd("aed", "AED設置箇所一覧", []string{"name"}, nil,
			"都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "名称", "名称_カナ", "住所", "方書", "緯度", "経度",
			"設置位置", "電話番号", "内線番号", "法人番号", "団体名", "利用可能曜日", "開始時間", "終了時間", "利用可能日時特記事項",
			"小児対応設備の有無", "URL", "備考"),
		tableStd("care_service", "介護サービス事業所一覧", []string{"name"},
			map[string]string{"介護サービス事業所名称": "name", "介護サービス事業所名称_カナ": "name_kana", "定員": "capacity"},
			"都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "介護サービス事業所名称", "介護サービス事業所名称_カナ",
			"実施サービス", "住所", "方書", "緯度", "経度", "電話番号", "内線番号", "FAX番号", "法人番号", "法人の名称", "事業所番号",
			"利用可能曜日", "利用可能曜日特記事項", "定員", "URL", "備考"),
		tableStd("fire_hydrant", "消防水利施設一覧", []string{"lat", "lon"}, map[string]string{"種別": "category"},
			"都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "種別", "住所", "方書", "緯度", "経度", "口径", "備考"),
		tableStd("food_business", "食品等営業許可・届出一覧", []string{"name"},
			map[string]string{"施設名称": "name", "施設名称_カナ": "name_kana", "施設所在地": "address", "施設方書": "address_extra",
				"施設電話番号": "phone"},
			"都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "施設名称", "施設名称_カナ", "営業の種類", "業態",
			"施設所在地", "施設方書", "緯度", "経度", "施設電話番号", "法人名", "法人番号", "許可番号", "初回許可年月日", "許可年月日",
			"許可開始日", "許可満了日", "廃業年月日", "申請区分", "許可条件", "備考"),
		tableStd("hospital", "医療機関一覧", []string{"name"}, nil,
			"都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "名称", "名称_カナ", "医療機関の種類", "住所", "方書",
			"緯度", "経度", "電話番号", "内線番号", "FAX番号", "法人番号", "法人の名称", "医療機関コード", "診療曜日", "診療開始時間",
			"診療終了時間", "診療日時特記事項", "時間外における対応", "診療科目", "病床数", "URL", "備考"),
		tableStd("open_data_list", "オープンデータ一覧", []string{"name"},
			map[string]string{"データ名称": "name", "データ概要": "description"},
			"都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "データ名称", "データ概要", "データ形式", "分類",
			"更新頻度", "URL", "API対応有無", "ライセンス", "登録日", "最終更新日", "備考"),
		tableStd("population", "地域・年齢別人口", []string{"name"}, map[string]string{"地域名": "name"},
			"都道府県コード又は市区町村コード", "地域コード", "都道府県名", "市区町村名", "調査年月日", "地域名", "総人口", "男性", "女性",
			"0-4歳の男性", "0-4歳の女性", "5-9歳の男性", "5-9歳の女性", "10-14歳の男性", "10-14歳の女性", "15-19歳の男性",
			"15-19歳の女性", "20-24歳の男性", "20-24歳の女性", "25-29歳の男性", "25-29歳の女性", "30-34歳の男性", "30-34歳の女性",
			"35-39歳の男性", "35-39歳の女性", "40-44歳の男性", "40-44歳の女性", "45-49歳の男性", "45-49歳の女性", "50-54歳の男性",
			"50-54歳の女性", "55-59歳の男性", "55-59歳の女性", "60-64歳の男性", "60-64歳の女性", "65-69歳の男性", "65-69歳の女性",
			"70-74歳の男性", "70-74歳の女性", "75-79歳の男性", "75-79歳の女性", "80-84歳の男性", "80-84歳の女性", "85歳以上の男性",
			"85歳以上の女性", "世帯数", "備考"),
		tableStd("preschool", "子育て施設一覧", []string{"name"}, map[string]string{"種別": "category", "収容定員": "capacity"},
			"都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "名称", "名称_カナ", "種別", "住所", "方書", "緯度",
			"経度", "アクセス方法", "駐車場情報", "電話番号", "内線番号", "FAX番号", "法人番号", "団体名", "認可等年月日", "収容定員",
			"受入年齢", "利用可能曜日", "開始時間", "終了時間", "利用可能日時特記事項", "一時預かりの有無", "URL", "備考"),
		tableStd("public_toilet", "公衆トイレ一覧", []string{"name"}, nil,
			"都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "名称", "名称_カナ", "名称_英語", "住所", "方書",
			"設置位置", "緯度", "経度", "男性トイレ総数", "男性トイレ数（小便器）", "男性トイレ数（和式）", "男性トイレ数（洋式）",
			"女性トイレ総数", "女性トイレ数（和式）", "女性トイレ数（洋式）", "男女共用トイレ総数", "男女共用トイレ数（和式）",
			"男女共用トイレ数（洋式）", "多機能トイレ数", "車椅子使用者用トイレ有無", "乳幼児用設備設置トイレ有無",
			"オストメイト設置トイレ有無", "利用開始時間", "利用終了時間", "利用可能時間特記事項", "画像", "画像_ライセンス", "備考"),
		tableStd("public_wireless_lan", "公衆無線LANアクセスポイント一覧", []string{"name"}, nil,
			"都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "名称", "名称_カナ", "名称_英語", "住所", "方書",
			"緯度", "経度", "設置者", "電話番号", "内線番号", "SSID", "提供エリア", "URL", "備考"),
		tableStd("tourism", "観光施設一覧", []string{"name"}, nil,
			"都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "名称", "名称_カナ", "名称_英語", "POIコード", "住所",
			"方書", "緯度", "経度", "利用可能曜日", "開始時間", "終了時間", "利用可能日時特記事項", "料金（基本）", "料金（詳細）", "説明",
			"説明_英語", "アクセス方法", "駐車場情報", "バリアフリー情報", "連絡先名称", "連絡先電話番号", "連絡先内線番号", "画像",
			"画像_ライセンス", "URL", "備考"),
	}
}

// scheme2023 derives a standard's newer header from its 2019 template the
// way the Agency's 2023 evacuation template renamed the older one (checked
// against a published 2023 消防水利施設一覧): the managing body's code and
// name become 全国地方公共団体コード and 地方公共団体名, NO becomes ID, 住所
// becomes the split 所在地 block and 方書 becomes 建物名等(方書).
func scheme2023(cols []string) []string {
	var out []string
	for _, c := range cols {
		switch c {
		case "都道府県コード又は市区町村コード":
			out = append(out, "全国地方公共団体コード")
		case "NO":
			out = append(out, "ID")
		case "都道府県名":
			out = append(out, "地方公共団体名")
		case "市区町村名":
			// merged into 地方公共団体名
		case "名称_英語":
			out = append(out, "名称_英字")
		case "住所":
			out = append(out, "所在地_全国地方公共団体コード", "町字ID", "所在地_連結表記", "所在地_都道府県",
				"所在地_市区町村", "所在地_町字", "所在地_番地以下")
		case "方書":
			out = append(out, "建物名等(方書)")
		default:
			out = append(out, c)
		}
	}
	return out
}

// commonKey returns the field key of a column that means the same in every
// standard, across schemes.
func commonKey(col string) (string, bool) {
	switch col {
	case "都道府県コード又は市区町村コード", "全国地方公共団体コード":
		return "code", true
	case "NO", "ID":
		return "id", true
	case "都道府県名":
		return "prefecture", true
	case "市区町村名":
		return "city", true
	case "地方公共団体名":
		return "localgov_name", true
	case "名称", "イベント名", "施設・場所名":
		return "name", true
	case "名称_カナ", "イベント名_カナ":
		return "name_kana", true
	case "名称_英語", "名称_英字", "イベント名_英語", "イベント名_英字":
		return "name_en", true
	case "名称_通称":
		return "name_alias", true
	case "共通ID":
		return "common_id", true
	case "POIコード":
		return "poi_code", true
	case "住所", "所在地_連結表記":
		return "address", true
	case "方書", "建物名等(方書)":
		return "address_extra", true
	case "所在地_全国地方公共団体コード":
		return "address_code", true
	case "町字ID":
		return "machiaza_id", true
	case "所在地_都道府県":
		return "address_prefecture", true
	case "所在地_市区町村":
		return "address_city", true
	case "所在地_町字":
		return "address_machiaza", true
	case "所在地_番地以下":
		return "address_block", true
	case "緯度":
		return "lat", true
	case "経度":
		return "lon", true
	case "標高":
		return "elevation", true
	case "電話番号":
		return "phone", true
	case "内線番号":
		return "extension", true
	case "FAX番号":
		return "fax", true
	case "連絡先メールアドレス":
		return "email", true
	case "連絡先FormURL":
		return "form_url", true
	case "連絡先備考（その他、SNSなど）":
		return "contact_note", true
	case "郵便番号":
		return "postal_code", true
	case "連絡先名称":
		return "contact_name", true
	case "連絡先電話番号":
		return "contact_phone", true
	case "連絡先内線番号":
		return "contact_extension", true
	case "法人番号":
		return "corporate_number", true
	case "団体名":
		return "organization", true
	case "利用可能曜日":
		return "open_days", true
	case "開始時間":
		return "start_time", true
	case "終了時間":
		return "end_time", true
	case "利用可能時間特記事項", "利用可能日時特記事項":
		return "hours_note", true
	case "説明":
		return "description", true
	case "説明_英語":
		return "description_en", true
	case "概要":
		return "summary", true
	case "概要_英語":
		return "summary_en", true
	case "バリアフリー情報":
		return "accessibility", true
	case "アクセス方法":
		return "access", true
	case "駐車場情報":
		return "parking", true
	case "料金(基本)", "料金（基本）":
		return "fee", true
	case "料金(詳細)", "料金（詳細）":
		return "fee_detail", true
	case "URL":
		return "url", true
	case "画像":
		return "image", true
	case "画像_ライセンス":
		return "image_license", true
	case "備考":
		return "note", true
	case "開始日":
		return "start_date", true
	case "終了日":
		return "end_date", true
	case "開始日時特記事項":
		return "date_note", true
	case "主催者":
		return "organizer", true
	case "場所名称":
		return "place", true
	case "定員", "想定収容人数":
		return "capacity", true
	case "参加申込終了日":
		return "deadline", true
	case "参加申込終了時間":
		return "deadline_time", true
	case "参加申込方法":
		return "application", true
	case "災害種別_洪水", "洪水":
		return "hazard_flood", true
	case "災害種別_崖崩れ、土石流及び地滑り", "崖崩れ、土石流及び地滑り":
		return "hazard_landslide", true
	case "災害種別_高潮", "高潮":
		return "hazard_storm_surge", true
	case "災害種別_地震", "地震":
		return "hazard_earthquake", true
	case "災害種別_津波", "津波":
		return "hazard_tsunami", true
	case "災害種別_大規模な火事", "大規模な火事":
		return "hazard_fire", true
	case "災害種別_内水氾濫", "内水氾濫":
		return "hazard_inland_flood", true
	case "災害種別_火山現象", "火山現象":
		return "hazard_volcano", true
	case "指定避難所との重複", "指定避難所との住所同一":
		return "also_shelter", true
	case "対象となる町会・自治会":
		return "districts", true
	}
	return "", false
}

// commonAliases are header names real files use for a field in any
// standard: yanai_tourism_sjis.csv heads its code column 市区町村コード.
func commonAliases(key string) []string {
	switch key {
	case "code":
		return []string{"市区町村コード", "都道府県コードまたは市区町村コード", "地方公共団体コード", "団体コード", "自治体コード"}
	case "lat":
		return []string{"緯度(世界測地系)", "緯度(10進)", "latitude", "lat"}
	case "lon":
		return []string{"経度(世界測地系)", "経度(10進)", "longitude", "lon", "lng"}
	case "address":
		return []string{"所在地"}
	case "phone":
		return []string{"電話"}
	}
	return nil
}

// genericKey reports the fields most standards share (who publishes, where,
// how to reach it). A header made only of them says nothing about which
// standard it follows, so closeness also asks for the other columns.
func genericKey(key string) bool {
	switch key {
	case "code", "city_code", "id", "prefecture", "city", "localgov_name", "name", "name_kana", "name_en",
		"address", "address_extra", "address_code", "machiaza_id", "address_prefecture", "address_city",
		"address_machiaza", "address_block", "lat", "lon", "phone", "extension", "fax", "email", "form_url",
		"contact_note", "postal_code", "corporate_number", "organization", "url", "image", "image_license", "note":
		return true
	}
	return false
}

// keyType is the expected type of a field.
func keyType(key string) ColumnType {
	switch key {
	case "lat", "lon", "elevation":
		return TypeNumber
	case "capacity":
		return TypeInteger
	case "also_shelter":
		return TypeBoolean
	case "start_date", "end_date", "deadline", "date":
		return TypeDate
	case "start_time", "end_time", "deadline_time":
		return TypeTime
	}
	if strings.HasPrefix(key, "hazard_") {
		return TypeBoolean
	}
	return TypeText
}
