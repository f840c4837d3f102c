package catalog

// Theme is a data theme from the EU Data Theme vocabulary that DCAT-AP uses
// (http://publications.europa.eu/resource/authority/data-theme/{Code}).
type Theme struct {
	Code    string `json:"code"`
	TitleJA string `json:"title"`
	TitleEN string `json:"title_en"`
}

// Themes is the whole vocabulary, with Japanese labels.
var Themes = []Theme{
	{"AGRI", "農林水産・食品", "Agriculture, fisheries, forestry and food"},
	{"ECON", "経済・財政", "Economy and finance"},
	{"EDUC", "教育・文化・スポーツ", "Education, culture and sport"},
	{"ENER", "エネルギー", "Energy"},
	{"ENVI", "環境", "Environment"},
	{"GOVE", "行政・公共部門", "Government and public sector"},
	{"HEAL", "健康・医療", "Health"},
	{"INTR", "国際", "International issues"},
	{"JUST", "司法・安全", "Justice, legal system and public safety"},
	{"REGI", "地域・都市", "Regions and cities"},
	{"SOCI", "人口・社会", "Population and society"},
	{"TECH", "科学技術", "Science and technology"},
	{"TRAN", "交通", "Transport"},
}

// ThemeByCode returns the theme with that code; ok is false when unknown.
func ThemeByCode(code string) (Theme, bool) {
	for _, t := range Themes {
		if t.Code == code {
			return t, true
		}
	}
	return Theme{}, false
}
