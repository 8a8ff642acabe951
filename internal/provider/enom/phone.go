package enom

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// canonicalPhone is Enom's phone format: +CountryCode.Number, digits only on both sides.
var canonicalPhone = regexp.MustCompile(`^\+[1-9][0-9]{0,2}\.[0-9]{4,14}$`)

// twoDigitCallingCodes are the ITU country calling codes of two digits. Calling codes form a prefix
// code, so with "1" and "7" as the only one-digit codes, every other number's code has three digits.
var twoDigitCallingCodes = map[string]bool{
	"20": true, "27": true, "30": true, "31": true, "32": true, "33": true, "34": true, "36": true, "39": true,
	"40": true, "41": true, "43": true, "44": true, "45": true, "46": true, "47": true, "48": true, "49": true,
	"51": true, "52": true, "53": true, "54": true, "55": true, "56": true, "57": true, "58": true,
	"60": true, "61": true, "62": true, "63": true, "64": true, "65": true, "66": true,
	"81": true, "82": true, "84": true, "86": true,
	"90": true, "91": true, "92": true, "93": true, "94": true, "95": true, "98": true,
}

// callingCodes maps ISO 3166-1 alpha-2 codes to country calling codes, for numbers written without one.
var callingCodes = map[string]string{
	"AD": "376", "AE": "971", "AF": "93", "AG": "1", "AI": "1", "AL": "355", "AM": "374", "AO": "244", "AR": "54",
	"AS": "1", "AT": "43", "AU": "61", "AW": "297", "AX": "358", "AZ": "994", "BA": "387", "BB": "1", "BD": "880",
	"BE": "32", "BF": "226", "BG": "359", "BH": "973", "BI": "257", "BJ": "229", "BL": "590", "BM": "1", "BN": "673",
	"BO": "591", "BQ": "599", "BR": "55", "BS": "1", "BT": "975", "BW": "267", "BY": "375", "BZ": "501", "CA": "1",
	"CC": "61", "CD": "243", "CF": "236", "CG": "242", "CH": "41", "CI": "225", "CK": "682", "CL": "56", "CM": "237",
	"CN": "86", "CO": "57", "CR": "506", "CU": "53", "CV": "238", "CW": "599", "CX": "61", "CY": "357", "CZ": "420",
	"DE": "49", "DJ": "253", "DK": "45", "DM": "1", "DO": "1", "DZ": "213", "EC": "593", "EE": "372", "EG": "20",
	"EH": "212", "ER": "291", "ES": "34", "ET": "251", "FI": "358", "FJ": "679", "FK": "500", "FM": "691", "FO": "298",
	"FR": "33", "GA": "241", "GB": "44", "GD": "1", "GE": "995", "GF": "594", "GG": "44", "GH": "233", "GI": "350",
	"GL": "299", "GM": "220", "GN": "224", "GP": "590", "GQ": "240", "GR": "30", "GT": "502", "GU": "1", "GW": "245",
	"GY": "592", "HK": "852", "HN": "504", "HR": "385", "HT": "509", "HU": "36", "ID": "62", "IE": "353", "IL": "972",
	"IM": "44", "IN": "91", "IO": "246", "IQ": "964", "IR": "98", "IS": "354", "IT": "39", "JE": "44", "JM": "1",
	"JO": "962", "JP": "81", "KE": "254", "KG": "996", "KH": "855", "KI": "686", "KM": "269", "KN": "1", "KP": "850",
	"KR": "82", "KW": "965", "KY": "1", "KZ": "7", "LA": "856", "LB": "961", "LC": "1", "LI": "423", "LK": "94",
	"LR": "231", "LS": "266", "LT": "370", "LU": "352", "LV": "371", "LY": "218", "MA": "212", "MC": "377", "MD": "373",
	"ME": "382", "MF": "590", "MG": "261", "MH": "692", "MK": "389", "ML": "223", "MM": "95", "MN": "976", "MO": "853",
	"MP": "1", "MQ": "596", "MR": "222", "MS": "1", "MT": "356", "MU": "230", "MV": "960", "MW": "265", "MX": "52",
	"MY": "60", "MZ": "258", "NA": "264", "NC": "687", "NE": "227", "NF": "672", "NG": "234", "NI": "505", "NL": "31",
	"NO": "47", "NP": "977", "NR": "674", "NU": "683", "NZ": "64", "OM": "968", "PA": "507", "PE": "51", "PF": "689",
	"PG": "675", "PH": "63", "PK": "92", "PL": "48", "PM": "508", "PR": "1", "PS": "970", "PT": "351", "PW": "680",
	"PY": "595", "QA": "974", "RE": "262", "RO": "40", "RS": "381", "RU": "7", "RW": "250", "SA": "966", "SB": "677",
	"SC": "248", "SD": "249", "SE": "46", "SG": "65", "SH": "290", "SI": "386", "SJ": "47", "SK": "421", "SL": "232",
	"SM": "378", "SN": "221", "SO": "252", "SR": "597", "SS": "211", "ST": "239", "SV": "503", "SX": "1", "SY": "963",
	"SZ": "268", "TC": "1", "TD": "235", "TG": "228", "TH": "66", "TJ": "992", "TK": "690", "TL": "670", "TM": "993",
	"TN": "216", "TO": "676", "TR": "90", "TT": "1", "TV": "688", "TW": "886", "TZ": "255", "UA": "380", "UG": "256",
	"US": "1", "UY": "598", "UZ": "998", "VA": "39", "VC": "1", "VE": "58", "VG": "1", "VI": "1", "VN": "84",
	"VU": "678", "WF": "681", "WS": "685", "XK": "383", "YE": "967", "YT": "262", "ZA": "27", "ZM": "260", "ZW": "263",
}

// FormatPhone writes a phone number in Enom's format, +CountryCode.Number (e.g. "+1.4252744500").
// It accepts the usual ways of writing a number: "+1 (425) 274-4500", "0044 20 7946 0958",
// "+44 (0)20 7946 0958", or a national number such as "(425) 274-4500" together with the contact's
// ISO country code ("US"), which then supplies the calling code. A national trunk 0 is dropped
// (except for Italy's numbering). An extension ("x12", "ext. 12") is cut off: send it as PhoneExt.
// A number that cannot be written this way is an Invalid error on the field "phone".
func FormatPhone(phone, country string) (string, error) {
	raw := strings.TrimSpace(phone)
	if canonicalPhone.MatchString(raw) {
		return raw, nil
	}
	if raw == "" {
		return "", phoneError(phone, "a phone number is required")
	}
	lower := strings.ToLower(raw)
	for _, sep := range []string{"ext", "x", "#"} {
		if i := strings.Index(lower, sep); i > 0 {
			raw, lower = raw[:i], lower[:i]
		}
	}
	raw = strings.ReplaceAll(raw, "(0)", "")
	international := false
	if strings.HasPrefix(strings.TrimSpace(raw), "+") {
		international = true
		raw = strings.TrimPrefix(strings.TrimSpace(raw), "+")
	}
	var digits strings.Builder
	for _, r := range raw {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case unicode.IsLetter(r):
			return "", phoneError(phone, "a phone number may hold only digits, spaces and + ( ) - . /")
		}
	}
	d := digits.String()
	if !international && strings.HasPrefix(d, "00") {
		international, d = true, d[2:]
	}
	var cc, national string
	if international {
		cc = splitCallingCode(d)
		national = d[len(cc):]
		if cc != "39" {
			national = strings.TrimPrefix(national, "0")
		}
	} else {
		iso := strings.ToUpper(strings.TrimSpace(country))
		cc = callingCodes[iso]
		if cc == "" {
			return "", phoneError(phone, "the number has no country calling code and the country is unknown; write it as +CC NUMBER")
		}
		national = d
		if cc == "1" && len(national) == 11 && national[0] == '1' {
			national = national[1:]
		}
		if cc != "39" && cc != "378" {
			national = strings.TrimPrefix(national, "0")
		}
	}
	if cc == "" || cc[0] == '0' || len(national) < 4 || len(cc)+len(national) > 15 {
		return "", phoneError(phone, "not a valid international phone number")
	}
	return "+" + cc + "." + national, nil
}

// splitCallingCode returns the calling code at the start of an international number's digits.
func splitCallingCode(d string) string {
	switch {
	case d == "":
		return ""
	case d[0] == '1' || d[0] == '7':
		return d[:1]
	case len(d) >= 2 && twoDigitCallingCodes[d[:2]]:
		return d[:2]
	case len(d) >= 3:
		return d[:3]
	}
	return ""
}

func phoneError(phone, msg string) error {
	return &provider.Error{Class: provider.Invalid, Field: "phone", Message: "phone number " + `"` + phone + `": ` + msg}
}
