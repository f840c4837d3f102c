package catalog

// License is a license a dataset can be published under.
type License struct {
	ID      string `json:"id"`
	TitleJA string `json:"title"`
	TitleEN string `json:"title_en"`
	URL     string `json:"url"`
	// CCBYCompatible: reusers may treat it as CC BY 4.0 (the Digital
	// Agency's PDL 1.0 is designed to be).
	CCBYCompatible bool `json:"cc_by_compatible"`
}

// DefaultLicense is what a new dataset gets unless its department chooses
// otherwise: CC BY 4.0, as the national guidelines recommend.
const DefaultLicense = "CC-BY-4.0"

// Licenses offered to departments.
var Licenses = []License{
	{ID: "CC-BY-4.0", TitleJA: "クリエイティブ・コモンズ 表示 4.0 国際", TitleEN: "Creative Commons Attribution 4.0 International",
		URL: "https://creativecommons.org/licenses/by/4.0/", CCBYCompatible: true},
	{ID: "PDL-1.0", TitleJA: "公共データ利用規約（第1.0版）", TitleEN: "Public Data License (Version 1.0)",
		URL: "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0", CCBYCompatible: true},
	{ID: "CC0-1.0", TitleJA: "CC0 1.0 全世界 パブリック・ドメイン提供", TitleEN: "CC0 1.0 Universal Public Domain Dedication",
		URL: "https://creativecommons.org/publicdomain/zero/1.0/", CCBYCompatible: true},
}

// LicenseByID returns the license with that id; ok is false when unknown.
func LicenseByID(id string) (License, bool) {
	for _, l := range Licenses {
		if l.ID == id {
			return l, true
		}
	}
	return License{}, false
}
