package main

import "github.com/machi-opendata/portal/catalog"

// departments of the synthetic municipalities; every municipality has the
// same ones, as the facet counts of a prefecture-wide portal would show.
var departments = []catalog.Department{
	{Code: "shisan", NameJA: "資産活用課", NameEN: "Public Asset Management Division"},
	{Code: "bousai", NameJA: "防災安全課", NameEN: "Disaster Prevention and Safety Division"},
	{Code: "kouhou", NameJA: "秘書広報課", NameEN: "Secretarial and Public Relations Division"},
	{Code: "kenkou", NameJA: "健康課", NameEN: "Health Promotion Division"},
	{Code: "kodomo", NameJA: "子育て支援課", NameEN: "Child-Rearing Support Division"},
	{Code: "kankou", NameJA: "観光課", NameEN: "Tourism Division"},
	{Code: "kankyou", NameJA: "環境政策課", NameEN: "Environmental Policy Division"},
	{Code: "koureisha", NameJA: "高齢者支援課", NameEN: "Elderly Support Division"},
	{Code: "shimin", NameJA: "市民課", NameEN: "Citizens Division"},
	{Code: "kikaku", NameJA: "企画政策課", NameEN: "Policy Planning Division"},
	{Code: "zaisei", NameJA: "財政課", NameEN: "Finance Division"},
	{Code: "zeimu", NameJA: "税務課", NameEN: "Taxation Division"},
	{Code: "toshikeikaku", NameJA: "都市計画課", NameEN: "Urban Planning Division"},
	{Code: "douro", NameJA: "道路下水道課", NameEN: "Roads and Sewerage Division"},
	{Code: "gomi", NameJA: "ごみ対策課", NameEN: "Waste Management Division"},
	{Code: "shougai", NameJA: "生涯学習スポーツ課", NameEN: "Lifelong Learning and Sports Division"},
	{Code: "kyouiku", NameJA: "教育総務課", NameEN: "Education General Affairs Division"},
	{Code: "senkyo", NameJA: "選挙管理委員会事務局", NameEN: "Election Administration Commission"},
	{Code: "shoubou", NameJA: "消防本部", NameEN: "Fire Department"},
	{Code: "sangyou", NameJA: "産業振興課", NameEN: "Industry Promotion Division"},
	{Code: "fukushi", NameJA: "福祉課", NameEN: "Welfare Division"},
}

// standardTopic is a dataset of records in one of the standard tables.
type standardTopic struct {
	kind     catalog.Kind
	standard string
	title    string // after the municipality's name
	titleEN  string
	dept     string
	themes   []string
	keywords []string
	license  string
	share    float64 // of all records, before jitter
	optional float64 // probability a municipality publishes it; 0 means always
	about    string  // %s: the municipality
	columns  []string
	other    int // index into otherKinds for KindTable, -1 otherwise
}

var standardTopics = []standardTopic{
	{catalog.KindFacility, "公共施設一覧", "公共施設一覧", "Public facilities", "shisan", []string{"GOVE", "REGI"},
		[]string{"公共施設", "図書館", "公民館", "公園", "学校", "保育園"}, "CC-BY-4.0", 22, 0,
		"%sの市役所・出張所・図書館・公民館・コミュニティセンター・体育館・保育園・児童館・公園・学校などの公共施設の一覧です。デジタル庁「自治体標準オープンデータセット」の公共施設一覧の項目に沿っています。",
		[]string{"都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "名称", "名称_カナ", "名称_通称", "POIコード", "住所", "方書", "緯度", "経度", "電話番号", "内線番号", "法人番号", "団体名", "利用可能曜日", "開始時間", "終了時間", "利用可能時間特記事項", "説明", "バリアフリー情報", "URL", "備考"}, -1},
	{catalog.KindEvacuation, "指定緊急避難場所一覧", "指定緊急避難場所一覧", "Designated emergency evacuation sites", "bousai", []string{"JUST", "REGI"},
		[]string{"防災", "避難場所", "指定緊急避難場所", "地震", "洪水"}, "PDL-1.0", 6, 0,
		"災害対策基本法に基づき%sが指定した指定緊急避難場所の一覧です。災害の種別（洪水・地震・大規模な火事・内水氾濫など）ごとの適否、想定収容人数、指定避難所との重複を掲載しています。",
		[]string{"全国地方公共団体コード", "ID", "名称", "名称_カナ", "名称_英字", "所在地_連結表記", "所在地_都道府県", "所在地_市区町村", "所在地_町字", "所在地_番地以下", "緯度", "経度", "電話番号", "災害種別_洪水", "災害種別_崖崩れ、土石流及び地滑り", "災害種別_高潮", "災害種別_地震", "災害種別_津波", "災害種別_大規模な火事", "災害種別_内水氾濫", "災害種別_火山現象", "指定避難所との重複", "想定収容人数", "対象となる町会・自治会", "URL", "備考"}, -1},
	{catalog.KindEvacuation, "指定避難所一覧", "指定避難所一覧", "Designated shelters", "bousai", []string{"JUST", "REGI"},
		[]string{"防災", "避難所", "指定避難所", "福祉避難所"}, "PDL-1.0", 4, 0.6,
		"災害対策基本法に基づき%sが指定した指定避難所の一覧です。想定収容人数、対象となる町会・自治会、福祉避難所の別を掲載しています。",
		[]string{"全国地方公共団体コード", "ID", "名称", "名称_カナ", "所在地_連結表記", "緯度", "経度", "想定収容人数", "対象となる町会・自治会", "備考"}, -1},
	{catalog.KindEvent, "イベント一覧", "イベント一覧（2026年度）", "Events (FY2026)", "kouhou", []string{"SOCI", "EDUC", "HEAL"},
		[]string{"イベント", "まつり", "健診", "予防接種", "講座", "コンサート"}, "CC-BY-4.0", 20, 0,
		"%sが主催・共催するまつり・健診・予防接種・講演会・コンサート・図書館のおはなし会・防災訓練などのイベントの一覧です。",
		[]string{"都道府県コード又は市区町村コード", "NO", "イベント名", "イベント名_カナ", "イベント名_英語", "開始日", "終了日", "開始時間", "終了時間", "開始日時特記事項", "説明", "料金(基本)", "連絡先名称", "主催者", "場所名称", "住所", "方書", "緯度", "経度", "アクセス方法", "駐車場情報", "定員", "参加申込方法", "URL", "備考"}, -1},
	{catalog.KindPhoto, "文化財一覧", "写真で見るまちのあゆみ（フォトアーカイブ）", "Photo archive", "kouhou", []string{"EDUC", "SOCI"},
		[]string{"写真", "アーカイブ", "昭和", "まちの歴史"}, "CC-BY-4.0", 14, 0,
		"%sの秘書広報課と郷土資料館が所蔵する記録写真（駅前商店街、旧庁舎、公園の開園式、まつりなど）の目録です。撮影年月日は「昭和30年代」「1964-10-10」など記録のとおりの表記です。",
		[]string{"NO", "名称", "名称_カナ", "名称_英語", "文化財分類", "種類", "場所名称", "住所", "緯度", "経度", "画像", "概要", "説明", "画像ファイル", "撮影年月日", "撮影場所", "撮影者", "備考"}, -1},
	{catalog.KindTable, "AED設置箇所一覧", "AED設置箇所一覧", "AED locations", "kenkou", []string{"HEAL", "JUST"},
		[]string{"AED", "救命", "健康"}, "CC0-1.0", 9, 0,
		"%sの公共施設に設置しているAED（自動体外式除細動器）の設置場所・使用可能時間・小児対応の有無の一覧です。",
		[]string{"都道府県コード又は市区町村コード", "NO", "名称", "名称_カナ", "住所", "方書", "緯度", "経度", "設置位置", "電話番号", "利用可能曜日", "開始時間", "終了時間", "利用可能日時特記事項", "小児対応設備の有無", "URL", "備考"}, -1},
	{catalog.KindTable, "子育て施設一覧", "子育て施設一覧", "Childcare facilities", "kodomo", []string{"SOCI", "EDUC"},
		[]string{"子育て", "保育園", "学童クラブ", "認定こども園"}, "CC-BY-4.0", 6, 0.7,
		"%sの保育所・認定こども園・学童クラブなど子育て施設の一覧です。",
		[]string{"NO", "名称", "名称_カナ", "種別", "住所", "緯度", "経度", "電話番号", "説明", "備考"}, 0},
	{catalog.KindTable, "医療機関一覧", "医療機関一覧", "Medical institutions", "kenkou", []string{"HEAL"},
		[]string{"医療機関", "病院", "診療所", "歯科"}, "CC-BY-4.0", 8, 0.7,
		"%s内の病院・診療所・歯科診療所の一覧です。診療科目を掲載しています。",
		[]string{"NO", "名称", "名称_カナ", "種別", "住所", "緯度", "経度", "電話番号", "診療科目", "備考"}, 1},
	{catalog.KindTable, "観光施設一覧", "観光施設一覧", "Tourist attractions", "kankou", []string{"ECON", "EDUC"},
		[]string{"観光", "神社", "寺", "展望台"}, "CC-BY-4.0", 5, 0.6,
		"%sの神社仏閣・展望台・体験施設など観光施設の一覧です。",
		[]string{"NO", "名称", "名称_カナ", "種別", "住所", "緯度", "経度", "説明", "備考"}, 2},
	{catalog.KindTable, "公衆トイレ一覧", "公衆トイレ一覧", "Public toilets", "kankyou", []string{"REGI", "HEAL"},
		[]string{"トイレ", "公衆トイレ", "多目的トイレ"}, "CC0-1.0", 3, 0.5,
		"%sが管理する公衆トイレの一覧です。多目的トイレ・おむつ交換台の有無を掲載しています。",
		[]string{"NO", "名称", "名称_カナ", "種別", "住所", "緯度", "経度", "説明", "備考"}, 3},
	{catalog.KindTable, "介護サービス事業所一覧", "介護サービス事業所一覧", "Long-term care providers", "koureisha", []string{"HEAL", "SOCI"},
		[]string{"介護", "高齢者", "デイサービス"}, "CC-BY-4.0", 3, 0.5,
		"%s内の介護サービス事業所（通所介護・介護老人福祉施設など）の一覧です。",
		[]string{"NO", "名称", "名称_カナ", "種別", "住所", "緯度", "経度", "電話番号", "説明", "備考"}, 4},
}

// statTopic is a dataset without records of a standard: a statistic or a
// document, published yearly.
type statTopic struct {
	title, titleEN, dept, theme string
	keywords                    []string
	detail                      string
	formats                     []string
}

var statTopics = []statTopic{
	{"人口・世帯数（町丁別）", "Population and households by district", "shimin", "SOCI", []string{"人口", "世帯", "町丁別"}, "町丁別の男女別人口と世帯数", []string{"CSV", "XLSX"}},
	{"年齢別人口", "Population by age", "shimin", "SOCI", []string{"人口", "年齢", "高齢化"}, "5歳階級別・各歳別の人口", []string{"CSV", "XLSX"}},
	{"外国人住民数", "Foreign residents", "shimin", "INTR", []string{"人口", "外国人", "国籍"}, "国籍別の外国人住民数", []string{"CSV"}},
	{"出生数・死亡数", "Births and deaths", "shimin", "SOCI", []string{"人口動態", "出生", "死亡"}, "月別の出生数と死亡数", []string{"CSV"}},
	{"転入・転出者数", "Migration", "shimin", "SOCI", []string{"人口動態", "転入", "転出"}, "月別の転入者数と転出者数", []string{"CSV"}},
	{"一般会計予算", "General account budget", "zaisei", "ECON", []string{"予算", "財政", "歳入", "歳出"}, "款・項別の歳入歳出予算", []string{"CSV", "PDF"}},
	{"決算カード", "Financial statement card", "zaisei", "ECON", []string{"決算", "財政", "財政力指数"}, "決算の概要と財政指標", []string{"PDF", "XLSX"}},
	{"市税収入の推移", "Municipal tax revenue", "zeimu", "ECON", []string{"税", "市税", "収入"}, "税目別の市税収入", []string{"CSV"}},
	{"ごみ排出量", "Waste generated", "gomi", "ENVI", []string{"ごみ", "環境", "リサイクル"}, "月別・種類別のごみ排出量", []string{"CSV"}},
	{"資源物回収量", "Recyclables collected", "gomi", "ENVI", []string{"資源", "リサイクル", "古紙"}, "品目別の資源物回収量", []string{"CSV"}},
	{"ごみ収集カレンダー", "Waste collection calendar", "gomi", "ENVI", []string{"ごみ", "収集日", "分別"}, "地区別のごみ・資源物の収集日", []string{"CSV", "PDF"}},
	{"上水道給水量", "Water supply", "douro", "ENVI", []string{"水道", "給水"}, "月別の給水量", []string{"CSV"}},
	{"下水道普及率", "Sewerage coverage", "douro", "ENVI", []string{"下水道", "普及率"}, "地区別の下水道普及率", []string{"CSV"}},
	{"気温・降水量", "Temperature and precipitation", "kankyou", "ENVI", []string{"気象", "気温", "降水量"}, "日別の気温と降水量の観測値", []string{"CSV"}},
	{"大気汚染測定結果", "Air quality measurements", "kankyou", "ENVI", []string{"大気", "環境", "PM2.5"}, "測定局別の大気汚染物質の測定結果", []string{"CSV"}},
	{"交通事故発生件数", "Traffic accidents", "bousai", "JUST", []string{"交通事故", "交通安全"}, "町丁別・月別の交通事故発生件数", []string{"CSV"}},
	{"刑法犯認知件数", "Recorded crimes", "bousai", "JUST", []string{"防犯", "犯罪", "治安"}, "罪種別・町丁別の刑法犯認知件数", []string{"CSV"}},
	{"火災発生状況", "Fires", "shoubou", "JUST", []string{"火災", "消防"}, "月別・原因別の火災発生件数と損害額", []string{"CSV"}},
	{"救急出動件数", "Ambulance calls", "shoubou", "HEAL", []string{"救急", "消防", "搬送"}, "月別・事故種別の救急出動件数", []string{"CSV"}},
	{"洪水ハザードマップ", "Flood hazard map", "bousai", "JUST", []string{"ハザードマップ", "洪水", "浸水想定区域", "防災"}, "想定最大規模の降雨による浸水想定区域", []string{"GeoJSON", "PDF"}},
	{"土砂災害警戒区域", "Landslide warning zones", "bousai", "JUST", []string{"土砂災害", "警戒区域", "防災"}, "土砂災害警戒区域と特別警戒区域", []string{"GeoJSON"}},
	{"選挙の投票率", "Voter turnout", "senkyo", "GOVE", []string{"選挙", "投票率"}, "選挙ごと・投票区別の投票率", []string{"CSV"}},
	{"保育所待機児童数", "Children on nursery waiting lists", "kodomo", "SOCI", []string{"待機児童", "保育所", "子育て"}, "年齢別の待機児童数と入所申込者数", []string{"CSV"}},
	{"児童・生徒数", "Pupils and students", "kyouiku", "EDUC", []string{"学校", "児童", "生徒"}, "学校別・学年別の児童・生徒数", []string{"CSV"}},
	{"図書館の貸出冊数", "Library loans", "shougai", "EDUC", []string{"図書館", "貸出", "蔵書"}, "館別・月別の貸出冊数と利用者数", []string{"CSV"}},
	{"公共施設の利用状況", "Use of public facilities", "shisan", "GOVE", []string{"公共施設", "利用者数", "稼働率"}, "施設別の利用者数と稼働率", []string{"CSV"}},
	{"観光入込客数", "Tourist visits", "kankou", "ECON", []string{"観光", "入込客数"}, "観光地点別・月別の入込客数", []string{"CSV"}},
	{"農業産出額", "Agricultural output", "sangyou", "AGRI", []string{"農業", "産出額", "農産物"}, "品目別の農業産出額", []string{"CSV"}},
	{"事業所数・従業者数", "Establishments and employees", "sangyou", "ECON", []string{"経済センサス", "事業所", "従業者"}, "産業分類別の事業所数と従業者数", []string{"CSV"}},
	{"空き家の状況", "Vacant houses", "toshikeikaku", "REGI", []string{"空き家", "住宅"}, "町丁別の空き家数と管理状況", []string{"CSV"}},
	{"都市計画図", "City planning map", "toshikeikaku", "REGI", []string{"都市計画", "用途地域"}, "用途地域・地区計画・都市計画道路", []string{"GeoJSON", "PDF"}},
	{"道路台帳", "Road register", "douro", "TRAN", []string{"道路", "市道", "認定路線"}, "市道の認定路線と幅員", []string{"CSV", "GeoJSON"}},
	{"橋梁点検結果", "Bridge inspections", "douro", "TRAN", []string{"橋梁", "点検", "インフラ"}, "橋梁ごとの点検結果と健全度", []string{"CSV"}},
	{"コミュニティバス停留所", "Community bus stops", "toshikeikaku", "TRAN", []string{"バス", "コミュニティバス", "停留所", "交通"}, "コミュニティバスの路線と停留所", []string{"CSV", "GTFS"}},
	{"健診受診率", "Health checkup uptake", "kenkou", "HEAL", []string{"健診", "がん検診", "受診率"}, "健診・がん検診の種類別受診率", []string{"CSV"}},
	{"予防接種実施状況", "Vaccinations given", "kenkou", "HEAL", []string{"予防接種", "ワクチン", "接種率"}, "種類別の予防接種実施者数と接種率", []string{"CSV"}},
	{"介護保険認定者数", "Long-term care certifications", "koureisha", "HEAL", []string{"介護保険", "要介護", "高齢者"}, "要介護度別の認定者数", []string{"CSV"}},
	{"生活保護の状況", "Public assistance", "fukushi", "SOCI", []string{"生活保護", "福祉"}, "世帯類型別の被保護世帯数と人員", []string{"CSV"}},
	{"入札・契約結果", "Tenders and contracts", "zaisei", "GOVE", []string{"入札", "契約"}, "工事・委託の入札結果と契約金額", []string{"CSV"}},
	{"職員数", "Municipal staff", "kikaku", "GOVE", []string{"職員", "定員管理"}, "部局別・職種別の職員数", []string{"CSV"}},
	{"市民意識調査", "Residents' survey", "kikaku", "GOVE", []string{"アンケート", "市民意識", "満足度"}, "設問別の回答結果", []string{"CSV", "PDF"}},
	{"消費生活相談件数", "Consumer affairs consultations", "shimin", "SOCI", []string{"消費生活", "相談"}, "相談内容別の件数", []string{"CSV"}},
	{"スポーツ施設の予約状況", "Sports facility bookings", "shougai", "EDUC", []string{"スポーツ", "体育館", "予約"}, "施設別・月別の予約件数", []string{"CSV"}},
	{"放置自転車の撤去台数", "Abandoned bicycles removed", "douro", "TRAN", []string{"放置自転車", "駐輪場", "自転車"}, "駅別の放置自転車の撤去台数", []string{"CSV"}},
	{"指定ごみ袋取扱店", "Shops selling designated waste bags", "gomi", "ENVI", []string{"ごみ袋", "取扱店"}, "指定収集袋の取扱店の名称と所在地", []string{"CSV"}},
}
