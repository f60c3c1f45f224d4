"""``sources.csv``: every source the dataset cites."""

from __future__ import annotations

import pandas as pd

from toolkit.curate.demand_sources import DEMAND_SOURCES
from toolkit.curate.sources_costs import COST_SOURCES
from toolkit.curate.sources_outlook import OUTLOOK_SOURCES

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
    ("iea_cm_2024", "Critical Minerals Data Explorer (May 2024 edition, base year 2023)",
     "International Energy Agency", "original workbook CM_Data_Explorer_May2024.xlsx (via "
     "drorrosen/mineral_analysis commit 0d1e5088)", 2024, "CC BY 4.0 (workbook Notice sheet)",
     "https://www.iea.org/data-and-statistics/data-tools/critical-minerals-data-explorer",
     "modelled estimates; base case supply by country 2030-2040 and demand by scenario; top "
     "4-6 countries named; used only for outlook_supply.csv / outlook_demand.csv"),
    ("ita_2024", "Global tin production sees modest decline in 2023", "International Tin "
     "Association", "news item, Mar 2024", 2024, "publisher terms (figures quoted)",
     "https://www.internationaltin.org/global-tin-production-sees-modest-decline-in-2023/",
     "world refined tin 370,100 t and mainland China 177,000 t (2023); no other country "
     "tonnes (only company rankings), so the rest is ROW"),
    ("ilzsg_2025", "ILZSG 2024 refined zinc balance, as reported by Metalnomist ('Global "
     "Refined Zinc Market Slips into Deficit in 2024', Apr 2025)", "International Lead and "
     "Zinc Study Group (via Metalnomist)", "secondary report", 2025,
     "publisher terms (figure quoted)",
     "https://www.metalnomist.com/2025/04/global-refined-zinc-market-slips-into.html",
     "secondary; world refined zinc 13.55 Mt in 2024"),
    ("smm_2025", "China refined zinc output 2024 (Shanghai Metals Market), as reported by "
     "metalinfo.ru", "SMM (via metalinfo.ru)", "secondary report, Jan 2025", 2025,
     "publisher terms (figure quoted)", "https://metalinfo.ru/ru/news/168730",
     "secondary; 'about 6.23 million t' China refined zinc 2024; SMM and ILZSG may count "
     "China differently"),
    ("imoa_2025", "IMOA 2024 molybdenum production and use statistics, as reported by "
     "site-chemical.ru", "International Molybdenum Association (via site-chemical.ru)",
     "secondary report (Russian)", 2025, "publisher terms (figures quoted)",
     "https://www.imoa.info/molybdenum-media-centre/latest-news/",
     "secondary; world 639.7 Mlb, China 294.8 Mlb (2024); regions (South/North America, "
     "other) are not countries -> ROW; IMOA's production stage is not stated in the report"),
    ("wpic_2025", "WPIC Platinum Quarterly Q4 2024, as reported by Mining Zimbabwe "
     "('Zimbabwean platinum production declines 9% in 2024')", "World Platinum Investment "
     "Council (via Mining Zimbabwe)", "secondary report, Mar 2025", 2025,
     "publisher terms (figures quoted)",
     "https://miningzimbabwe.com/zimbabwean-platinum-production-declines-9-in-2024/",
     "secondary; refined mine supply by country of mine 2024: world 5,766 koz, South Africa "
     "4,132, Russia 677, Zimbabwe 512 koz; Zimbabwean output is partly refined in South "
     "Africa"),
    ("eu_crm_2023", "Study on the critical raw materials for the EU 2023 - Final report",
     "European Commission", "2023 (DOI 10.2873/725585), table of major global suppliers",
     2023, "CC BY 4.0 (EU)", "https://doi.org/10.2873/725585",
     "top supplier share only, processing stage, data mostly 2016-2020 averages; used "
     "through atlas_eucrm; tungsten CN 86 %, niobium BR 92 %, palladium RU 40 %"),
    ("atlas_eucrm", "critical-materials-atlas: eucrm.json (EU CRM 2023 major global supplier "
     "table)", "Varcolacus (GitHub)", "out/eucrm.json, commit 914085ba", 2026,
     "no licence file in the repository; underlying data EU (CC BY 4.0)",
     "https://github.com/Varcolacus/critical-materials-atlas",
     "secondary transcription; not checked against the EU report"),
    ("stratas_2023", "Battery-Grade Manganese Refining Market Assessment", "Stratas "
     "Advisors", "insight, 24 Feb 2023", 2023, "publisher terms (figures quoted)",
     "https://stratasadvisors.com/insights/2023/02242023-midstream-manganese-market-"
     "assessment", "China ~84 % and Japan 11 % of high-purity manganese sulphate "
     "monohydrate supply (year not stated, ~2022); a battery-grade product, used as the "
     "manganese refine-stage proxy under an assumption"),
    ("icda_2017", "South Africa crucial to global chrome supply, Chromium 2017 hears (Mining "
     "Weekly report of the ICDA Chromium 2017 conference)", "International Chromium "
     "Development Association (via Mining Weekly)", "secondary report, 2017", 2017,
     "publisher terms (figures quoted)", "https://www.miningnewspro.com/En/News/58468/"
     "South-Africa-crucial-to-global-chrome-supply-Chromium-2017-hears",
     "ferrochrome 2016: China 43 %, South Africa 33 %; no newer country shares found; "
     "assumed to hold in 2024"),
    ("northern_miner_2009", "Clarification (Cliffs / KWG chromite article)", "The Northern "
     "Miner", "16 Mar 2009", 2009, "publisher terms (figure quoted)",
     "https://secure.northernminer.com/news/clarification-2/1000229405",
     "'To be saleable it would have to contain in the vicinity of 40%+ Cr2O3': basis of the "
     "40 % Cr2O3 grade assumed for gross chromite"),
    ("rystad_2021", "The electric vehicle market is getting increasingly reliant on China's "
     "battery components (Rystad Energy, via AJOT)", "Rystad Energy (via AJOT)",
     "secondary report, 2021", 2021, "publisher terms (figures quoted)",
     "https://www.ajot.com/news/the-electric-vehicle-market-is-getting-increasingly-reliant-"
     "on-chinas-battery-components", "cathode capacity end 2020: China 74.3 %, Korea 18.9 %,"
     " Japan 5.5 %, Europe 0.3 %, North America 1 %; only its split of the non-China "
     "remainder is used (assumption)"),
    ("iea_solar_2022", "Solar PV Global Supply Chains (2022), per-stage shares as reported "
     "by Canary Media", "International Energy Agency (via Canary Media)", "2022", 2022,
     "CC BY 4.0 (IEA); figure read from the Canary Media chart article",
     "https://www.canarymedia.com/articles/solar/chart-which-country-dominates-the-solar-"
     "supply-chain", "secondary; China 97 % of solar wafer capacity at end 2021; applied to "
     "all silicon metal under an assumption"),
    ("assumption", "Toolkit modelling assumptions (documented in datasets/PROVENANCE.md)",
     "this repository", "", 2026, "MIT (repository licence)", "",
     "rules: demand fallback = world total x buyer share of world imports of the mineral "
     "HS6 codes; mine = 50 % of refined price; manufacture = refined value; FeNb 65 % Nb; "
     "germanium world refinery total 2020-2024 = USGS 2021 total; chromite 40 % Cr2O3; "
     "share-only refine stages x USGS mine total; older shares held to 2024; Rystad split of "
     "non-China cathode capacity; wafer share for all silicon"),
)

SOURCES = SOURCES + COST_SOURCES  # costs.csv and bid_premiums.csv (sources_costs.py)
SOURCES = SOURCES + OUTLOOK_SOURCES  # outlook years and projects (sources_outlook.py)


def build_sources() -> pd.DataFrame:
    """``sources.csv`` from :data:`SOURCES`."""
    cols = ["source_id", "title", "publisher", "edition", "year", "licence", "url", "caveats"]
    df = pd.DataFrame(SOURCES + DEMAND_SOURCES, columns=cols)
    # one row per id: the same file cited by the cost and the demand modules is listed once
    # (the first declaration wins)
    df = df.drop_duplicates("source_id", keep="first")
    return df.sort_values("source_id").reset_index(drop=True)

