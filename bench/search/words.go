package main

// The vocabulary of the synthetic catalog: the parts that place names,
// facility names, events and photo captions are built from, each with its
// reading (katakana, as a 名称_カナ column gives it) and its English, so that
// generated names read like the ones municipalities publish.

// word is a piece of a name: as written, read, and in English.
type word struct{ ja, kana, en string }

// stems start the names of towns and municipalities.
var stems = []word{
	{"桜", "サクラ", "Sakura"}, {"若葉", "ワカバ", "Wakaba"}, {"緑", "ミドリ", "Midori"}, {"泉", "イズミ", "Izumi"},
	{"青葉", "アオバ", "Aoba"}, {"富士見", "フジミ", "Fujimi"}, {"松", "マツ", "Matsu"}, {"旭", "アサヒ", "Asahi"},
	{"栄", "サカエ", "Sakae"}, {"大和", "ヤマト", "Yamato"}, {"高砂", "タカサゴ", "Takasago"}, {"日の出", "ヒノデ", "Hinode"},
	{"千代田", "チヨダ", "Chiyoda"}, {"宮前", "ミヤマエ", "Miyamae"}, {"東", "ヒガシ", "Higashi"}, {"西", "ニシ", "Nishi"},
	{"南", "ミナミ", "Minami"}, {"北", "キタ", "Kita"}, {"中", "ナカ", "Naka"}, {"本", "ホン", "Hon"},
	{"新", "シン", "Shin"}, {"上", "カミ", "Kami"}, {"下", "シモ", "Shimo"}, {"大", "オオ", "O"},
	{"柏", "カシワ", "Kashiwa"}, {"梅", "ウメ", "Ume"}, {"竹", "タケ", "Take"}, {"藤", "フジ", "Fuji"},
	{"菊", "キク", "Kiku"}, {"桃", "モモ", "Momo"}, {"椿", "ツバキ", "Tsubaki"}, {"杉", "スギ", "Sugi"},
	{"楓", "カエデ", "Kaede"}, {"けやき", "ケヤキ", "Keyaki"}, {"ひばり", "ヒバリ", "Hibari"}, {"つつじ", "ツツジ", "Tsutsuji"},
	{"白鳥", "シラトリ", "Shiratori"}, {"鶴", "ツル", "Tsuru"}, {"鷹", "タカ", "Taka"}, {"朝日", "アサヒ", "Asahi"},
	{"春日", "カスガ", "Kasuga"}, {"八幡", "ヤハタ", "Yahata"}, {"水", "ミズ", "Mizu"}, {"石", "イシ", "Ishi"},
	{"岩", "イワ", "Iwa"}, {"玉", "タマ", "Tama"}, {"星", "ホシ", "Hoshi"}, {"光", "ヒカリ", "Hikari"},
	{"長", "ナガ", "Naga"}, {"広", "ヒロ", "Hiro"}, {"清", "キヨ", "Kiyo"}, {"豊", "トヨ", "Toyo"},
	{"富", "トミ", "Tomi"}, {"幸", "サイワイ", "Saiwai"}, {"寿", "コトブキ", "Kotobuki"}, {"常盤", "トキワ", "Tokiwa"},
	{"双葉", "フタバ", "Futaba"}, {"三田", "ミタ", "Mita"}, {"八千代", "ヤチヨ", "Yachiyo"}, {"千歳", "チトセ", "Chitose"},
	{"平和", "ヘイワ", "Heiwa"}, {"昭和", "ショウワ", "Showa"}, {"小金", "コガネ", "Kogane"}, {"若松", "ワカマツ", "Wakamatsu"},
}

// townSuffixes end town names (桜 + 台 = 桜台).
var townSuffixes = []word{
	{"町", "チョウ", "-cho"}, {"台", "ダイ", "dai"}, {"が丘", "ガオカ", "gaoka"}, {"野", "ノ", "no"},
	{"原", "ハラ", "hara"}, {"田", "ダ", "da"}, {"沢", "サワ", "sawa"}, {"川", "カワ", "kawa"},
	{"山", "ヤマ", "yama"}, {"谷", "ヤ", "ya"}, {"島", "ジマ", "jima"}, {"浜", "ハマ", "hama"},
	{"崎", "サキ", "saki"}, {"坂", "サカ", "saka"}, {"森", "モリ", "mori"}, {"岡", "オカ", "oka"},
	{"橋", "バシ", "bashi"}, {"園", "ゾノ", "zono"}, {"見", "ミ", "mi"}, {"町", "マチ", "machi"},
}

// citySuffixes and cityTypes make municipality names (桜 + 川 + 市).
var (
	citySuffixes = []word{
		{"川", "ガワ", "gawa"}, {"野", "ノ", "no"}, {"原", "ハラ", "hara"}, {"田", "タ", "ta"}, {"山", "ヤマ", "yama"},
		{"沢", "サワ", "sawa"}, {"岡", "オカ", "oka"}, {"浜", "ハマ", "hama"}, {"崎", "サキ", "saki"}, {"島", "シマ", "shima"},
		{"", "", ""},
	}
	cityTypes = []word{{"市", "シ", "City"}, {"市", "シ", "City"}, {"町", "マチ", "Town"}, {"町", "マチ", "Town"}, {"村", "ムラ", "Village"}}
)

var prefectures = []string{
	"北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県", "埼玉県", "千葉県",
	"東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県",
	"滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
	"香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
}

var surnames = []word{
	{"田中", "タナカ", "Tanaka"}, {"佐藤", "サトウ", "Sato"}, {"鈴木", "スズキ", "Suzuki"}, {"高橋", "タカハシ", "Takahashi"},
	{"渡辺", "ワタナベ", "Watanabe"}, {"伊藤", "イトウ", "Ito"}, {"山本", "ヤマモト", "Yamamoto"}, {"中村", "ナカムラ", "Nakamura"},
	{"小林", "コバヤシ", "Kobayashi"}, {"加藤", "カトウ", "Kato"}, {"吉田", "ヨシダ", "Yoshida"}, {"山田", "ヤマダ", "Yamada"},
	{"佐々木", "ササキ", "Sasaki"}, {"松本", "マツモト", "Matsumoto"}, {"井上", "イノウエ", "Inoue"}, {"木村", "キムラ", "Kimura"},
	{"林", "ハヤシ", "Hayashi"}, {"清水", "シミズ", "Shimizu"},
}

// ordinals name numbered schools and parks (第一小学校).
var ordinals = []word{
	{"第一", "ダイイチ", "Daiichi"}, {"第二", "ダイニ", "Daini"}, {"第三", "ダイサン", "Daisan"}, {"第四", "ダイヨン", "Daiyon"},
	{"第五", "ダイゴ", "Daigo"}, {"第六", "ダイロク", "Dairoku"}, {"第七", "ダイナナ", "Dainana"}, {"第八", "ダイハチ", "Daihachi"},
	{"第九", "ダイキュウ", "Daikyu"}, {"第十", "ダイジュウ", "Daiju"},
}

// qualifiers sit between a town and a facility word (桜台中央公園).
var qualifiers = []word{
	{"中央", "チュウオウ", "Central"}, {"北", "キタ", "North"}, {"南", "ミナミ", "South"}, {"東", "ヒガシ", "East"},
	{"西", "ニシ", "West"}, {"けやき", "ケヤキ", "Keyaki"}, {"ふれあい", "フレアイ", "Fureai"}, {"さくら", "サクラ", "Sakura"},
	{"せせらぎ", "セセラギ", "Seseragi"}, {"市民", "シミン", "Civic"},
}

// facilityKind is a kind of public facility: its word, category, what its
// description says, and whether it serves as an evacuation site.
type facilityKind struct {
	w          word
	category   string
	about      []string
	evac       bool
	schoolLike bool // named by ordinal or as 〇〇市立
}

var facilityKinds = []facilityKind{
	{w: word{"図書館", "トショカン", "Library"}, category: "図書館", about: []string{
		"図書・雑誌・CD・DVDの貸出と、調べものの相談（レファレンス）を行っています。",
		"毎月第2土曜日に小さなお子さん向けのおはなし会を開いています。",
		"地域の郷土資料と行政資料を所蔵しています。インターネットで蔵書の予約ができます。"}},
	{w: word{"公民館", "コウミンカン", "Community Hall"}, category: "公民館", about: []string{
		"講座・サークル活動のための集会室・和室・調理室・音楽室を貸し出しています。",
		"地域の生涯学習の拠点です。市民講座や作品展を開いています。"}},
	{w: word{"コミュニティセンター", "コミュニティセンター", "Community Center"}, category: "集会施設", about: []string{
		"地域の交流の場として、会議室・ホール・図書コーナー・ロビーがあります。",
		"町会・自治会の会合や子育てサロンに利用されています。"}},
	{w: word{"公園", "コウエン", "Park"}, category: "公園", about: []string{
		"遊具・広場・公衆トイレがある公園です。",
		"桜の名所として知られ、春には多くの花見客でにぎわいます。",
		"芝生広場とじゃぶじゃぶ池があり、夏は水遊びができます。",
		"ボール遊びができる広場と健康遊具があります。"}, evac: true},
	{w: word{"小学校", "ショウガッコウ", "Elementary School"}, category: "学校", about: []string{
		"市立の小学校です。校庭開放（土日祝日）を行っています。"}, evac: true, schoolLike: true},
	{w: word{"中学校", "チュウガッコウ", "Junior High School"}, category: "学校", about: []string{
		"市立の中学校です。体育館は災害時の避難所になります。"}, evac: true, schoolLike: true},
	{w: word{"保育園", "ホイクエン", "Nursery School"}, category: "保育所", about: []string{
		"0歳から5歳までのお子さんをお預かりする認可保育園です。延長保育を行っています。",
		"園庭開放や子育て相談を行っています。"}},
	{w: word{"幼稚園", "ヨウチエン", "Kindergarten"}, category: "幼稚園", about: []string{
		"3歳から5歳までのお子さんが通う幼稚園です。預かり保育があります。"}},
	{w: word{"児童館", "ジドウカン", "Children's Center"}, category: "児童館", about: []string{
		"0歳から18歳までの子どもが自由に遊べる施設です。乳幼児親子の広場もあります。"}},
	{w: word{"体育館", "タイイクカン", "Gymnasium"}, category: "スポーツ施設", about: []string{
		"アリーナ・トレーニング室・卓球室・弓道場があります。",
		"個人利用（卓球・バドミントン）と団体貸切ができます。"}, evac: true},
	{w: word{"スポーツセンター", "スポーツセンター", "Sports Center"}, category: "スポーツ施設", about: []string{
		"屋内プール・トレーニングルーム・体育室があります。"}},
	{w: word{"市民プール", "シミンプール", "Swimming Pool"}, category: "スポーツ施設", about: []string{
		"25mプールと幼児用プールがある屋外プールです（7月～8月のみ営業）。"}},
	{w: word{"集会所", "シュウカイショ", "Meeting Hall"}, category: "集会施設", about: []string{
		"町会・自治会の集会所です。利用は地元町会へお問い合わせください。"}},
	{w: word{"郷土資料館", "キョウドシリョウカン", "Local History Museum"}, category: "博物館", about: []string{
		"まちの歴史と民俗に関する資料を展示しています。昭和の暮らしの道具の展示が人気です。"}},
	{w: word{"クリーンセンター", "クリーンセンター", "Waste Incineration Plant"}, category: "清掃施設", about: []string{
		"可燃ごみの焼却施設です。施設見学を受け付けています（要予約）。"}},
	{w: word{"自転車駐車場", "ジテンシャチュウシャジョウ", "Bicycle Parking"}, category: "駐輪場", about: []string{
		"駅前の有料自転車駐車場です。定期利用と一時利用ができます。"}},
	{w: word{"保健センター", "ホケンセンター", "Health Center"}, category: "保健施設", about: []string{
		"乳幼児健診・予防接種・健康相談・母子手帳の交付を行っています。"}},
	{w: word{"子育て支援センター", "コソダテシエンセンター", "Child-Rearing Support Center"}, category: "子育て支援施設", about: []string{
		"未就学のお子さんと保護者が遊び、交流し、子育ての相談ができる施設です。"}},
	{w: word{"福祉会館", "フクシカイカン", "Welfare Hall"}, category: "福祉施設", about: []string{
		"高齢者・障害者の福祉活動の拠点です。浴室と娯楽室があります。"}},
	{w: word{"文化会館", "ブンカカイカン", "Cultural Hall"}, category: "文化施設", about: []string{
		"大ホール（1,200席）と小ホール、展示室、練習室があります。"}},
	{w: word{"出張所", "シュッチョウジョ", "Branch Office"}, category: "庁舎", about: []string{
		"住民票の写し・印鑑登録証明書・税証明の交付、転入・転出の届出を取り扱っています。"}},
	{w: word{"消防署", "ショウボウショ", "Fire Station"}, category: "消防施設", about: []string{
		"救命講習（AEDの使い方）を毎月開いています。"}},
	{w: word{"運動場", "ウンドウジョウ", "Sports Ground"}, category: "スポーツ施設", about: []string{
		"野球・サッカーができる運動場です。夜間照明があります。"}, evac: true},
	{w: word{"高等学校", "コウトウガッコウ", "High School"}, category: "学校", about: []string{
		"都道府県立の高等学校です。"}, evac: true},
	{w: word{"広場", "ヒロバ", "Open Space"}, category: "公園", about: []string{
		"災害時の一時集合場所になっている広場です。"}, evac: true},
}

var accessibilityItems = []string{"車椅子用駐車場有り", "多目的トイレ有り", "エレベーター有り", "車椅子用スロープ有り",
	"オストメイト対応トイレ有り", "授乳室有り", "おむつ交換台有り", "点字ブロック有り", "車椅子貸出有り", "筆談ボード有り"}

var closedNotes = []string{"月曜日（祝日の場合は翌日）・年末年始（12月29日～1月3日）は休み", "土日祝日・年末年始は休み",
	"第3月曜日は休館", "毎月最終水曜日は館内整理のため休館", "24時間利用可能", "年中無休"}

// eventKind is a kind of event: its name, the months it is held in (any
// when empty), how many days it lasts, what it is, and its fee.
type eventKind struct {
	w      word
	months []int
	days   int
	about  string
	fee    string
	at     string // the facility word of where it is held, "" for anywhere
}

var eventKinds = []eventKind{
	{word{"桜まつり", "サクラマツリ", "Cherry Blossom Festival"}, []int{3, 4}, 2, "満開の桜並木の下で模擬店・ステージ発表・野点を行います。", "無料", "公園"},
	{word{"夏まつり", "ナツマツリ", "Summer Festival"}, []int{7, 8}, 2, "模擬店・子どもみこし・盆踊り・抽選会を行います。", "無料", "公園"},
	{word{"盆踊り大会", "ボンオドリタイカイ", "Bon Dance Festival"}, []int{7, 8}, 1, "やぐらを囲んで盆踊りを楽しみます。浴衣でお越しください。", "無料", "広場"},
	{word{"花火大会", "ハナビタイカイ", "Fireworks Festival"}, []int{7, 8}, 1, "約5,000発の花火を打ち上げます。荒天時は翌日に順延します。", "無料", ""},
	{word{"市民まつり", "シミンマツリ", "Citizens' Festival"}, []int{10, 11}, 2, "市内の団体による模擬店・パレード・ステージ発表を行います。", "無料", "公園"},
	{word{"産業まつり", "サンギョウマツリ", "Industry Fair"}, []int{11}, 2, "市内の農産物・特産品の販売と企業の展示を行います。", "無料", "運動場"},
	{word{"秋まつり", "アキマツリ", "Autumn Festival"}, []int{9, 10}, 2, "神輿の渡御と模擬店でにぎわう秋の恒例行事です。", "無料", ""},
	{word{"防災訓練", "ボウサイクンレン", "Disaster Drill"}, []int{9, 1, 3}, 1, "地震を想定した避難訓練・初期消火訓練・救命講習（AEDの使い方）・起震車体験を行います。", "無料", "小学校"},
	{word{"乳幼児健診", "ニュウヨウジケンシン", "Infant Health Checkup"}, nil, 1, "4か月児・1歳6か月児の健康診査です。対象者には個別に通知します。", "無料", "保健センター"},
	{word{"3歳児健診", "サンサイジケンシン", "3-Year-Old Health Checkup"}, nil, 1, "3歳児の健康診査（身体計測・内科・歯科・視力）です。", "無料", "保健センター"},
	{word{"特定健診", "トクテイケンシン", "Specific Health Checkup"}, []int{6, 7, 8, 9, 10}, 1, "40歳から74歳までの国民健康保険加入者を対象とした健康診査です。", "無料", "保健センター"},
	{word{"インフルエンザ予防接種", "インフルエンザヨボウセッシュ", "Influenza Vaccination"}, []int{10, 11, 12}, 1, "65歳以上の方を対象としたインフルエンザ予防接種です。", "2,500円", "保健センター"},
	{word{"健康まつり", "ケンコウマツリ", "Health Festival"}, []int{10, 11}, 1, "骨密度測定・血管年齢測定・健康相談・歯の健康コーナーがあります。", "無料", "保健センター"},
	{word{"おはなし会", "オハナシカイ", "Story Time"}, nil, 1, "絵本の読み聞かせ・手遊び・紙芝居を楽しみます。3歳から小学校低学年向け。", "無料", "図書館"},
	{word{"子育て講座", "コソダテコウザ", "Parenting Class"}, nil, 1, "離乳食の進め方と子どもの事故予防について保健師がお話しします。", "無料", "子育て支援センター"},
	{word{"講演会", "コウエンカイ", "Lecture"}, nil, 1, "まちの歴史をテーマにした講演会です。", "無料", "公民館"},
	{word{"ロビーコンサート", "ロビーコンサート", "Lobby Concert"}, nil, 1, "市内で活動する演奏家によるクラシックのミニコンサートです。", "無料", "文化会館"},
	{word{"吹奏楽コンサート", "スイソウガクコンサート", "Wind Band Concert"}, nil, 1, "市内の中学校・高校の吹奏楽部による合同演奏会です。", "無料", "文化会館"},
	{word{"朝市", "アサイチ", "Morning Market"}, nil, 1, "地元農家の朝採り野菜を販売します。", "", "広場"},
	{word{"フリーマーケット", "フリーマーケット", "Flea Market"}, []int{5, 6, 10, 11}, 1, "家庭の不用品を持ち寄るフリーマーケットです。出店は事前申込制。", "出店料500円", "公園"},
	{word{"マラソン大会", "マラソンタイカイ", "Marathon"}, []int{11, 12, 1, 2}, 1, "3km・5km・10kmの部があります。小学生の部もあります。", "1,000円", "運動場"},
	{word{"七夕まつり", "タナバタマツリ", "Tanabata Festival"}, []int{7}, 3, "商店街に七夕飾りが並びます。短冊に願い事を書いて飾れます。", "無料", ""},
	{word{"餅つき大会", "モチツキタイカイ", "Rice Cake Pounding"}, []int{12, 1}, 1, "杵と臼で餅つきを体験できます。つきたてのお餅を配ります。", "無料", "コミュニティセンター"},
	{word{"消防団出初式", "ショウボウダンデゾメシキ", "Fire Brigade New Year Parade"}, []int{1}, 1, "消防団による分列行進・一斉放水・はしご乗りの演技を行います。", "無料", "公園"},
	{word{"二十歳のつどい", "ハタチノツドイ", "Coming-of-Age Ceremony"}, []int{1}, 1, "今年度中に20歳を迎える方を対象とした式典です。", "無料", "文化会館"},
	{word{"映画会", "エイガカイ", "Film Screening"}, nil, 1, "名作映画の上映会です。", "無料", "図書館"},
	{word{"星空観察会", "ホシゾラカンサツカイ", "Stargazing"}, []int{8, 12, 2}, 1, "天体望遠鏡で月や惑星を観察します。雨天・曇天時は中止。", "無料", "広場"},
	{word{"写真展", "シャシンテン", "Photo Exhibition"}, nil, 5, "昭和のまちなみを写した写真を展示します。", "無料", "郷土資料館"},
	{word{"献血", "ケンケツ", "Blood Donation"}, nil, 1, "献血バスが来ます。400mL献血にご協力ください。", "", "出張所"},
	{word{"親子料理教室", "オヤコリョウリキョウシツ", "Parent-Child Cooking Class"}, nil, 1, "地元の野菜を使った料理を親子でつくります。", "材料費500円", "公民館"},
	{word{"クリスマス会", "クリスマスカイ", "Christmas Party"}, []int{12}, 1, "工作・ゲーム・サンタクロースからのプレゼントがあります。", "無料", "児童館"},
}

var eventTimes = [][2]string{{"9:00", "12:00"}, {"10:00", "15:00"}, {"13:30", "15:30"}, {"18:00", "21:00"}, {"10:30", "11:15"}, {"9:30", "16:00"}}

var dateNotes = []string{"雨天決行（荒天時は中止）", "雨天中止", "受付は開始30分前から", "小雨決行", "事前申込制（先着順）", ""}

// photoSubject is what an old photograph shows; %s is filled with a place
// name where the subject has one.
type photoSubject struct {
	ja, kana, en string
	place        string // "town", "park", "school", "station" or ""
}

var photoSubjects = []photoSubject{
	{"駅前商店街", "エキマエショウテンガイ", "Shopping street in front of the station", "station"},
	{"%s駅", "%sエキ", "%s Station", "station"},
	{"旧市役所庁舎", "キュウシヤクショチョウシャ", "The old city hall building", ""},
	{"%sの田園風景", "%sノデンエンフウケイ", "Farmland in %s", "town"},
	{"%sの開園式", "%sノカイエンシキ", "Opening of %s", "park"},
	{"%sの桜並木", "%sノサクラナミキ", "Cherry trees in %s", "town"},
	{"%sの運動会", "%sノウンドウカイ", "Sports day at %s", "school"},
	{"%sの盆踊り", "%sノボンオドリ", "Bon dance in %s", "town"},
	{"駅前の踏切", "エキマエノフミキリ", "Level crossing by the station", ""},
	{"%sの木造校舎", "%sノモクゾウコウシャ", "Wooden building of %s", "school"},
	{"茅葺き屋根の農家", "カヤブキヤネノノウカ", "Thatched farmhouse", ""},
	{"団地の建設", "ダンチノケンセツ", "Construction of the housing estate", ""},
	{"国道の開通式", "コクドウノカイツウシキ", "Opening of the national road", ""},
	{"商店街のアーケード", "ショウテンガイノアーケード", "The shopping arcade", ""},
	{"駅前の映画館", "エキマエノエイガカン", "Cinema by the station", ""},
	{"%sの銭湯", "%sノセントウ", "Public bath in %s", "town"},
	{"消防団の出初式", "ショウボウダンノデゾメシキ", "Fire brigade New Year parade", ""},
	{"図書館の開館式", "トショカンノカイカンシキ", "Opening of the library", ""},
	{"市民プールのプール開き", "シミンプールノプールビラキ", "Opening day of the swimming pool", ""},
	{"%sの水害", "%sノスイガイ", "Flood in %s", "town"},
}

var photoDetails = []string{"買い物客でにぎわっています。", "奥に見えるのは建設中の市役所です。", "現在は公園になっています。",
	"子どもたちが元気に遊んでいます。", "雪の日に撮影されたものです。", "開通を祝う人々が集まりました。",
	"当時はまだ道路が舗装されていませんでした。", "右手に写るのは今はない木造の駅舎です。", "八百屋・魚屋・乾物屋が軒を連ねていました。",
	"昭和の暮らしがうかがえる一枚です。"}

// hazardKeys are the hazard keys of an evacuation site's typed fields and
// the columns of the standard that hold them.
var hazardKeys = []struct{ key, column string }{
	{"flood", "災害種別_洪水"}, {"landslide", "災害種別_崖崩れ、土石流及び地滑り"}, {"storm_surge", "災害種別_高潮"},
	{"earthquake", "災害種別_地震"}, {"tsunami", "災害種別_津波"}, {"fire", "災害種別_大規模な火事"},
	{"inland_flood", "災害種別_内水氾濫"}, {"volcano", "災害種別_火山現象"},
}

var aedPlaces = []string{"1階 事務室前", "1階 総合案内横", "正面玄関入口", "体育館入口", "職員室前", "2階 ロビー", "管理棟入口", "受付カウンター横"}

// otherKind is a record of one of the other standard tables (kind table).
type otherKind struct {
	standard string
	names    []word // %s: a town, a surname or a stem
	by       string // "town", "surname" or "stem"
	category []string
	about    []string
}

var otherKinds = []otherKind{
	{"子育て施設一覧", []word{{"%s保育園", "%sホイクエン", ""}, {"%s学童クラブ", "%sガクドウクラブ", ""}, {"認定こども園%s幼稚園", "ニンテイコドモエン%sヨウチエン", ""}}, "town",
		[]string{"認可保育所", "学童クラブ", "認定こども園"}, []string{"0歳児から受け入れています。", "小学1年生から6年生までが対象です。", "一時預かりを行っています。"}},
	{"医療機関一覧", []word{{"%s内科クリニック", "%sナイカクリニック", ""}, {"%s歯科医院", "%sシカイイン", ""}, {"%s小児科", "%sショウニカ", ""}, {"%s整形外科", "%sセイケイゲカ", ""}}, "surname",
		[]string{"診療所", "歯科診療所", "病院"}, []string{"内科・小児科・予防接種・健康診断", "一般歯科・小児歯科・訪問診療", "整形外科・リハビリテーション科"}},
	{"観光施設一覧", []word{{"%s神社", "%sジンジャ", ""}, {"%s寺", "%sデラ", ""}, {"%s展望台", "%sテンボウダイ", ""}, {"%sふれあい農園", "%sフレアイノウエン", ""}}, "stem",
		[]string{"神社仏閣", "展望施設", "体験施設"}, []string{"境内の大銀杏は市の天然記念物です。", "晴れた日には富士山を望めます。", "季節の野菜の収穫体験ができます。"}},
	{"公衆トイレ一覧", []word{{"%s駅前公衆トイレ", "%sエキマエコウシュウトイレ", ""}, {"%s公園トイレ", "%sコウエントイレ", ""}}, "town",
		[]string{"公衆トイレ"}, []string{"多目的トイレ有り・24時間利用可能", "おむつ交換台有り", "洋式トイレ有り"}},
	{"介護サービス事業所一覧", []word{{"デイサービス%s", "デイサービス%s", ""}, {"特別養護老人ホーム%sの里", "トクベツヨウゴロウジンホーム%sノサト", ""}}, "stem",
		[]string{"通所介護", "介護老人福祉施設"}, []string{"送迎・入浴・機能訓練を行います。", "短期入所生活介護（ショートステイ）を併設しています。"}},
}
