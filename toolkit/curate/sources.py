"""``sources.csv``: every source the dataset cites."""

from __future__ import annotations

import pandas as pd

from toolkit.curate.demand_sources import DEMAND_SOURCES

SOURCES = (
    ("usgs_mcs2026", "Mineral Commodity Summaries 2026 Data Release", "U.S. Geological Survey",
     "data release CSV (v1.3 revision history; CSV carries some pre-v1.3 reserves figures)",
     2026, "Public domain (U.S. Government work; metadata states CC0 1.0)",
     "https://doi.org/10.5066/P1WKQ63T",
     "W/NA rows omitted; em dash = 0 and zero rows omitted; content basis differs by chapter;"
     " 2025 values are estimates; lithium world total excludes withheld US output"),
    ("iea_cm_2025", "Critical Minerals Data Explorer (Global Critical Minerals Outlook 2025)",
     "International Energy Agency", "2025 edition (base year 2024) via third-party JSON "
     "conversion (barrytho/uk-critical-minerals-dashboard data/iea.json)", 2025, "CC BY 4.0",
     "https://www.iea.org/data-and-statistics/data-tools/critical-minerals-data-explorer",
     "only top 4-6 countries named; Rest of world recomputed as Total - named countries "
     "(differs from the converted file for nickel by Canada's 113.1 kt); graphite = battery "
     "grade; rare earths = magnet REEs"),
    ("wb_wgi_2024", "Worldwide Governance Indicators, 2024 update (data year 2023)",
     "World Bank (Kaufmann & Kraay)", "2024 update", 2024, "CC BY 4.0",
     "https://www.govindicators.org", "estimates -2.5..2.5; wgi = unweighted mean of six; "
     "not rescaled to the EU 0-10 scale"),
    ("cepii_baci_v202601", "BACI: International Trade Database at the Product-Level, HS17",
     "CEPII", "V202601 extract of 30 HS6 codes (Varcolacus/critical-materials-atlas)", 2026,
     "Etalab Open Licence 2.0 (re-check on the CEPII page)",
     "https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37",
     "values only (no quantities); several codes are narrow proxies (283691 Li carbonate "
     "only; 282200 Co oxides only; 250490 non-powder natural graphite); tonnes = value / "
     "USGS unit price"),
    ("iea_gevo_2024", "Global EV Outlook 2024 - Trends in electric vehicle batteries",
     "International Energy Agency", "2024", 2024, "CC BY 4.0",
     "https://www.iea.org/reports/global-ev-outlook-2024/trends-in-electric-vehicle-batteries",
     "capacity shares ('today', i.e. early 2024) used as production-share proxies; only "
     "China named, remainder assigned to ROW"),
    ("iea_etp_2024", "Energy Technology Perspectives 2024 - levelised cost of production of "
     "clean energy technologies, EU relative to China (2023)", "International Energy Agency",
     "ETP-2024 (chart of 30 Oct 2024)", 2024, "CC BY 4.0 (IEA); figure read from the Statista "
     "reproduction", "https://statista.com/statistics/1536299/eu-v-china-cleantech-"
     "manufacturing-cost-comparisons", "EU battery manufacturing ~50 % (solar PV ~40 %) more "
     "expensive than in China in 2023; used only as a proxy premium for non-China "
     "manufacture-stage costs (an assumption)"),
    ("iea_commentary_2025", "With new export controls on critical minerals, supply "
     "concentration risks become reality (commentary, 23 Oct 2025)",
     "International Energy Agency", "commentary", 2025, "IEA terms (commentary)",
     "https://rareearthexchanges.com/news/the-mineral-chessboard-iea-sounds-alarm-as-china-"
     "tightens-its-grip", "figure (94 % permanent-magnet manufacturing) taken from a "
     "secondary report of the IEA commentary; the IEA page itself was not retrieved"),
    ("msp_state_dept", "Minerals Security Partnership - partner list",
     "U.S. Department of State", "MSP page, archived 2021-2025 site (content to 20 Jan 2025)",
     2024, "Public domain (U.S. Government work)",
     "https://2021-2025.state.gov/minerals-security-partnership/",
     "'14 countries and the EU': Australia, Canada, Estonia, Finland, France, Germany, India, "
     "Italy, Japan, Norway, Republic of Korea, Sweden, UK, US, EU; Argentina (reported Aug "
     "2024 as joining) is not on this list and not counted; used only for the partner flag "
     "in countries.csv"),
    ("usgs_mcs2022", "Mineral Commodity Summaries 2022 Data Release - germanium world table",
     "U.S. Geological Survey", "data release (mcs2022-germa_world.csv, via Redliana/cmm-data "
     "commit d780c5b7)", 2022, "Public domain (U.S. Government work)",
     "https://doi.org/10.5066/P9KKMCP4",
     "2021 values are USGS estimates; US withheld (W); world total rounded (140,000 kg); "
     "China 95,000 kg = 68 %, the figure quoted 'according to the US Geological Survey' by "
     "Graphic News (D. Mil, 'China restricts export of high-tech metals', 10 Jul 2023, "
     "https://www.graphicnews.com/de/pages/44524/economy-gallium-germanium-exporte) and "
     "TalkMarkets; MCS 2023 and 2024 no longer publish country figures (NA)"),
    ("bgs_wms", "World Mineral Statistics Dataset", "British Geological Survey", "OGC API; "
     "germanium metal production shares, data year 2024", 2024,
     "Open Government Licence v3.0; Contains British Geological Survey materials (c) UKRI",
     "https://doi.org/10.5285/1e7d5e08-9e24-471b-ae37-49b477f695e3",
     "used through the third-party derivation atlas_refined_years (rounded integer shares, "
     "denominator = reporting countries); not checked against the BGS publication"),
    ("atlas_refined_years", "critical-materials-atlas: refined_years.json (country shares "
     "of refined production from BGS World Mineral Statistics)", "Varcolacus (GitHub)",
     "out/refined_years.json, commit fcb9edce", 2026,
     "no licence file in the repository; underlying data BGS (OGL v3)",
     "https://github.com/Varcolacus/critical-materials-atlas",
     "secondary, derived figures: shares only, rounded to integer percent, remainder to 100 "
     "% assigned to ROW; combined with the USGS 2021 world total under an assumption"),
    ("assumption", "Toolkit modelling assumptions (documented in datasets/PROVENANCE.md)",
     "this repository", "", 2026, "MIT (repository licence)", "",
     "rules: demand fallback = world total x buyer share of world imports of the mineral "
     "HS6 codes; mine = 50 % of refined price; manufacture = refined value; FeNb 65 % Nb; "
     "germanium world refinery total 2024 = USGS 2021 total"),
)


def build_sources() -> pd.DataFrame:
    """``sources.csv`` from :data:`SOURCES`."""
    cols = ["source_id", "title", "publisher", "edition", "year", "licence", "url", "caveats"]
    df = pd.DataFrame(SOURCES + DEMAND_SOURCES, columns=cols)
    return df.sort_values("source_id").reset_index(drop=True)

