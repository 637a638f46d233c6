"""Country names across regimes: ISO 3166 codes, the EAR Country Chart's spellings, common names.

Every destination a user types ("Korea, South", "South Korea", "KR", "KOR", "Republic of Korea")
resolves to one Country; each regime's own spelling (the chart row "Korea, South", the EU text
"South Korea") resolves to the same Country, so tables from different documents join on it.
Unknown names are an error with the closest known names as suggestions, never a guess.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from exportwatch.errors import NotFoundError


@dataclass(frozen=True)
class Country:
    iso2: str
    iso3: str
    name: str  # the common English name used in our output
    aliases: tuple[str, ...] = ()


# (ISO alpha-2, alpha-3, common name, other spellings: the EAR chart's, the EU's, usual variants).
_DATA: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("AF", "AFG", "Afghanistan", ()),
    ("AL", "ALB", "Albania", ()),
    ("DZ", "DZA", "Algeria", ()),
    ("AD", "AND", "Andorra", ()),
    ("AO", "AGO", "Angola", ()),
    ("AG", "ATG", "Antigua and Barbuda", ()),
    ("AR", "ARG", "Argentina", ()),
    ("AM", "ARM", "Armenia", ()),
    ("AW", "ABW", "Aruba", ()),
    ("AU", "AUS", "Australia", ()),
    ("AT", "AUT", "Austria", ()),
    ("AZ", "AZE", "Azerbaijan", ()),
    ("BS", "BHS", "Bahamas", ("Bahamas, The", "The Bahamas")),
    ("BH", "BHR", "Bahrain", ()),
    ("BD", "BGD", "Bangladesh", ()),
    ("BB", "BRB", "Barbados", ()),
    ("BY", "BLR", "Belarus", ()),
    ("BE", "BEL", "Belgium", ()),
    ("BZ", "BLZ", "Belize", ()),
    ("BJ", "BEN", "Benin", ()),
    ("BT", "BTN", "Bhutan", ()),
    ("BO", "BOL", "Bolivia", ()),
    ("BA", "BIH", "Bosnia and Herzegovina", ("Bosnia",)),
    ("BW", "BWA", "Botswana", ()),
    ("BR", "BRA", "Brazil", ()),
    ("BN", "BRN", "Brunei", ("Brunei Darussalam",)),
    ("BG", "BGR", "Bulgaria", ()),
    ("BF", "BFA", "Burkina Faso", ()),
    ("MM", "MMR", "Burma", ("Myanmar", "Myanmar/Burma")),
    ("BI", "BDI", "Burundi", ()),
    ("KH", "KHM", "Cambodia", ()),
    ("CM", "CMR", "Cameroon", ()),
    ("CA", "CAN", "Canada", ()),
    ("CV", "CPV", "Cape Verde", ("Cabo Verde",)),
    ("CF", "CAF", "Central African Republic", ()),
    ("TD", "TCD", "Chad", ()),
    ("CL", "CHL", "Chile", ()),
    ("CN", "CHN", "China", ("China (PRC)", "People's Republic of China", "PRC", "Mainland China")),
    ("CO", "COL", "Colombia", ()),
    ("KM", "COM", "Comoros", ()),
    ("CD", "COD", "Democratic Republic of the Congo",
     ("Congo (Democratic Republic of the)", "Congo (Democratic Republic of)", "DR Congo", "DRC",
      "Congo-Kinshasa")),
    ("CG", "COG", "Republic of the Congo",
     ("Congo (Republic of the)", "Congo", "Congo-Brazzaville", "Congo Republic")),
    ("CR", "CRI", "Costa Rica", ()),
    # The Country Group B list (as extracted, 2026-07-23) prints "Cote d'lvoire" with a lower-case L.
    ("CI", "CIV", "Côte d'Ivoire", ("Cote d'Ivoire", "Ivory Coast", "Cote d'lvoire")),
    ("HR", "HRV", "Croatia", ()),
    ("CU", "CUB", "Cuba", ()),
    ("CW", "CUW", "Curaçao", ("Curacao",)),
    ("CY", "CYP", "Cyprus", ()),
    ("CZ", "CZE", "Czech Republic", ("Czechia",)),
    ("DK", "DNK", "Denmark", ()),
    ("DJ", "DJI", "Djibouti", ()),
    ("DM", "DMA", "Dominica", ()),
    ("DO", "DOM", "Dominican Republic", ()),
    ("EC", "ECU", "Ecuador", ()),
    ("EG", "EGY", "Egypt", ()),
    ("SV", "SLV", "El Salvador", ()),
    ("GQ", "GNQ", "Equatorial Guinea", ()),
    ("ER", "ERI", "Eritrea", ()),
    ("EE", "EST", "Estonia", ()),
    ("SZ", "SWZ", "Eswatini", ("Swaziland",)),
    ("ET", "ETH", "Ethiopia", ()),
    ("FJ", "FJI", "Fiji", ()),
    ("FI", "FIN", "Finland", ()),
    ("FR", "FRA", "France", ()),
    ("GA", "GAB", "Gabon", ()),
    ("GM", "GMB", "Gambia", ("Gambia, The", "The Gambia")),
    ("GE", "GEO", "Georgia", ()),
    ("DE", "DEU", "Germany", ()),
    ("GH", "GHA", "Ghana", ()),
    ("GR", "GRC", "Greece", ()),
    ("GD", "GRD", "Grenada", ()),
    ("GT", "GTM", "Guatemala", ()),
    ("GN", "GIN", "Guinea", ()),
    ("GW", "GNB", "Guinea-Bissau", ()),
    ("GY", "GUY", "Guyana", ()),
    ("HT", "HTI", "Haiti", ()),
    ("HN", "HND", "Honduras", ()),
    ("HK", "HKG", "Hong Kong", ("Hong Kong SAR",)),
    ("HU", "HUN", "Hungary", ()),
    ("IS", "ISL", "Iceland", ()),
    ("IN", "IND", "India", ()),
    ("ID", "IDN", "Indonesia", ()),
    ("IR", "IRN", "Iran", ("Islamic Republic of Iran",)),
    ("IQ", "IRQ", "Iraq", ()),
    ("IE", "IRL", "Ireland", ()),
    ("IL", "ISR", "Israel", ()),
    ("IT", "ITA", "Italy", ()),
    ("JM", "JAM", "Jamaica", ()),
    ("JP", "JPN", "Japan", ()),
    ("JO", "JOR", "Jordan", ()),
    ("KZ", "KAZ", "Kazakhstan", ()),
    ("KE", "KEN", "Kenya", ()),
    ("KI", "KIR", "Kiribati", ()),
    ("KP", "PRK", "North Korea",
     ("Korea, North", "DPRK", "Democratic People's Republic of Korea", "Korea (Democratic People's Republic of)")),
    ("KR", "KOR", "South Korea",
     ("Korea, South", "Republic of Korea", "Korea (Republic of)", "Korea, Republic of", "ROK")),
    ("XK", "XKX", "Kosovo", ()),
    ("KW", "KWT", "Kuwait", ()),
    ("KG", "KGZ", "Kyrgyzstan", ("Kyrgyz Republic",)),
    ("LA", "LAO", "Laos", ("Lao PDR",)),
    ("LV", "LVA", "Latvia", ()),
    ("LB", "LBN", "Lebanon", ()),
    ("LS", "LSO", "Lesotho", ()),
    ("LR", "LBR", "Liberia", ()),
    ("LY", "LBY", "Libya", ()),
    ("LI", "LIE", "Liechtenstein", ()),
    ("LT", "LTU", "Lithuania", ()),
    ("LU", "LUX", "Luxembourg", ()),
    ("MO", "MAC", "Macau", ("Macao", "Macau SAR")),
    ("MG", "MDG", "Madagascar", ()),
    ("MW", "MWI", "Malawi", ()),
    ("MY", "MYS", "Malaysia", ()),
    ("MV", "MDV", "Maldives", ()),
    ("ML", "MLI", "Mali", ()),
    ("MT", "MLT", "Malta", ()),
    ("MH", "MHL", "Marshall Islands", ()),
    ("MR", "MRT", "Mauritania", ()),
    ("MU", "MUS", "Mauritius", ()),
    ("MX", "MEX", "Mexico", ()),
    ("FM", "FSM", "Micronesia", ("Micronesia (Federated State of)", "Federated States of Micronesia",
                                     "Micronesia, Federated States of")),
    ("MD", "MDA", "Moldova", ()),
    ("MC", "MCO", "Monaco", ()),
    ("MN", "MNG", "Mongolia", ()),
    ("ME", "MNE", "Montenegro", ()),
    ("MA", "MAR", "Morocco", ()),
    ("MZ", "MOZ", "Mozambique", ()),
    ("NA", "NAM", "Namibia", ()),
    ("NR", "NRU", "Nauru", ()),
    ("NP", "NPL", "Nepal", ()),
    ("NL", "NLD", "Netherlands", ("The Netherlands", "Holland")),
    ("NZ", "NZL", "New Zealand", ()),
    ("NI", "NIC", "Nicaragua", ()),
    ("NE", "NER", "Niger", ()),
    ("NG", "NGA", "Nigeria", ()),
    ("MK", "MKD", "North Macedonia", ("Macedonia",)),
    ("NO", "NOR", "Norway", ()),
    ("OM", "OMN", "Oman", ()),
    ("PK", "PAK", "Pakistan", ()),
    ("PW", "PLW", "Palau", ()),
    ("PA", "PAN", "Panama", ()),
    ("PG", "PNG", "Papua New Guinea", ()),
    ("PY", "PRY", "Paraguay", ()),
    ("PE", "PER", "Peru", ()),
    ("PH", "PHL", "Philippines", ()),
    ("PL", "POL", "Poland", ()),
    ("PT", "PRT", "Portugal", ()),
    ("QA", "QAT", "Qatar", ()),
    ("RO", "ROU", "Romania", ()),
    ("RU", "RUS", "Russia", ("Russian Federation",)),
    ("RW", "RWA", "Rwanda", ()),
    ("KN", "KNA", "Saint Kitts and Nevis", ("St. Kitts and Nevis", "St Kitts and Nevis")),
    ("LC", "LCA", "Saint Lucia", ("St. Lucia", "St Lucia")),
    ("VC", "VCT", "Saint Vincent and the Grenadines",
     ("St. Vincent and the Grenadines", "St Vincent and the Grenadines")),
    ("WS", "WSM", "Samoa", ()),
    ("SM", "SMR", "San Marino", ()),
    ("ST", "STP", "Sao Tome and Principe", ("São Tomé and Príncipe",)),
    ("SA", "SAU", "Saudi Arabia", ()),
    ("SN", "SEN", "Senegal", ()),
    ("RS", "SRB", "Serbia", ()),
    # The Country Chart (2026-09-01) prints "Seycheles".
    ("SC", "SYC", "Seychelles", ("Seycheles",)),
    ("SL", "SLE", "Sierra Leone", ()),
    ("SG", "SGP", "Singapore", ()),
    ("SX", "SXM", "Sint Maarten", ("Sint Maarten (the Dutch two-fifths of the island of Saint Martin)",)),
    ("SK", "SVK", "Slovakia", ("Slovak Republic",)),
    ("SI", "SVN", "Slovenia", ()),
    ("SB", "SLB", "Solomon Islands", ()),
    ("SO", "SOM", "Somalia", ()),
    ("ZA", "ZAF", "South Africa", ()),
    ("SS", "SSD", "South Sudan", ("South Sudan, Republic of", "Republic of South Sudan")),
    ("ES", "ESP", "Spain", ()),
    ("LK", "LKA", "Sri Lanka", ()),
    ("SD", "SDN", "Sudan", ()),
    ("SR", "SUR", "Suriname", ()),
    ("SE", "SWE", "Sweden", ()),
    ("CH", "CHE", "Switzerland", ()),
    ("SY", "SYR", "Syria", ("Syrian Arab Republic",)),
    ("TW", "TWN", "Taiwan", ()),
    ("TJ", "TJK", "Tajikistan", ()),
    ("TZ", "TZA", "Tanzania", ()),
    ("TH", "THA", "Thailand", ()),
    ("TL", "TLS", "Timor-Leste", ("East Timor",)),
    ("TG", "TGO", "Togo", ()),
    ("TO", "TON", "Tonga", ()),
    ("TT", "TTO", "Trinidad and Tobago", ()),
    ("TN", "TUN", "Tunisia", ()),
    ("TR", "TUR", "Türkiye", ("Turkey", "Turkiye")),
    ("TM", "TKM", "Turkmenistan", ()),
    ("TV", "TUV", "Tuvalu", ()),
    ("UG", "UGA", "Uganda", ()),
    ("UA", "UKR", "Ukraine", ()),
    ("AE", "ARE", "United Arab Emirates", ("UAE",)),
    ("GB", "GBR", "United Kingdom", ("UK", "Great Britain", "Britain")),
    ("US", "USA", "United States", ("United States of America", "U.S.", "U.S.A.")),
    ("UY", "URY", "Uruguay", ()),
    ("UZ", "UZB", "Uzbekistan", ()),
    ("VU", "VUT", "Vanuatu", ()),
    ("VA", "VAT", "Vatican City", ("Holy See", "Vatican")),
    ("VE", "VEN", "Venezuela", ()),
    ("VN", "VNM", "Vietnam", ("Viet Nam",)),
    ("EH", "ESH", "Western Sahara", ()),
    ("YE", "YEM", "Yemen", ()),
    ("ZM", "ZMB", "Zambia", ()),
    ("ZW", "ZWE", "Zimbabwe", ()),
)

# EU Member States (ISO alpha-2): a transfer between them is not an export under 2021/821.
EU_MEMBERS = frozenset({"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
                        "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"})

COUNTRIES: tuple[Country, ...] = tuple(Country(a, b, c, d) for a, b, c, d in _DATA)
_BY_ISO = {c.iso2: c for c in COUNTRIES} | {c.iso3: c for c in COUNTRIES}


def normalise(name: str) -> str:
    """A comparison key: no accents, case, punctuation or leading/trailing article."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ").replace("’", "'").replace("'", "")
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"^the\s+|\s+the$", "", text)


_BY_NAME: dict[str, Country] = {}
for _c in COUNTRIES:
    for _n in (_c.name, *_c.aliases):
        _BY_NAME.setdefault(normalise(_n), _c)


def lookup(name: str) -> Country | None:
    """The country a name or ISO code stands for, or None."""
    raw = name.strip()
    if re.fullmatch(r"[A-Za-z]{2,3}", raw) and raw.upper() in _BY_ISO:
        # Two or three letters are an ISO code; "Chad", "Cuba" are longer.
        return _BY_ISO[raw.upper()]
    return _BY_NAME.get(normalise(raw))


def resolve(name: str) -> Country:
    """Like lookup, but an unknown name is a NotFoundError listing close matches."""
    found = lookup(name)
    if found is not None:
        return found
    raise NotFoundError(f"unknown country {name!r}" + suggestion_text(name))


def suggestions(name: str, limit: int = 5) -> list[str]:
    key = normalise(name)
    close = difflib.get_close_matches(key, list(_BY_NAME), n=limit * 2, cutoff=0.6)
    starts = [k for k in _BY_NAME if key and k.startswith(key)]
    out: list[str] = []
    for k in [*starts, *close]:
        c = _BY_NAME[k]
        if c.name not in out:
            out.append(c.name)
    return out[:limit]


def suggestion_text(name: str) -> str:
    found = suggestions(name)
    return f"; did you mean {', '.join(found)}? (names or ISO codes, e.g. 'DE', 'DEU')" if found else \
        "; give a country name or an ISO 3166 code, e.g. 'Germany', 'DE', 'DEU'"
