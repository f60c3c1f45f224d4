"""Hand-entered table of announced non-Chinese plants (``projects.csv``), with citations.

Each :class:`Announced` holds the figures as the cited announcement states them (product
tonnes, local currency, year), the quote they come from, and the source id
(:data:`PROJECT_SOURCES`, same tuple layout as :data:`toolkit.curate.sources.SOURCES`).
:mod:`toolkit.curate.projects` converts them to the chain basis (tonnes of contained
element per year, USD).  A figure the sources read did not give is an ASSUMPTION with its
reason in ``assumption``.  Press reports were read in search excerpts; the URL is the page
read, the original announcer is named.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Announced:
    """One announced plant, in the units of its announcement.

    Attributes
    ----------
    project, mineral, stage, country
        Id (lowercase snake), chain mineral and stage, ISO3 of the plant.
    product_t
        Announced yearly capacity in tonnes of ``product``.
    product
        Key of :data:`toolkit.curate.projects.CONTENT` (the product's element fraction).
    capex, currency
        Announced capital cost in ``currency`` (USD, AUD, CAD, EUR, GBP, SEK, JPY).
    online_year
        First year of (nameplate) production used.
    quote
        The announcement's words for capacity, capex and date.
    source_id
        Rows of ``sources.csv`` (``;``-separated).
    assumption
        Non-empty when a figure is assumed: which one and why.
    unit_cost_usd_per_t
        Published operating cost per tonne of contained element, else None (the stage's
        cost in ``costs.csv`` is used, labelled ASSUMPTION).
    extra_t
        Further products in the same plant: ((product, tonnes), ...).
    """

    project: str
    mineral: str
    stage: str
    country: str
    product_t: float
    product: str
    capex: float
    currency: str
    online_year: int
    quote: str
    source_id: str
    assumption: str = ""
    unit_cost_usd_per_t: float | None = None
    extra_t: tuple[tuple[str, float], ...] = ()


FX = "fed_g5a_2024"
ANNOUNCED: tuple[Announced, ...] = (
    # --- rare earths: separation / refining (refine basis: magnet REEs Nd+Pr+Dy+Tb) ---
    Announced("iluka_eneabba", "rare_earths", "refine", "AUS", 17500 * 4500 / 12500,
              "ndpr_oxide", 1.75e9, "AUD", 2027,
              "WA Government (Apr 2022): 'production capacity of 17,500 tonnes per annum of "
              "rare earth oxides'; NS Energy (Dec 2024): capital cost 'A$1.7bn ... to "
              "A$1.8bn' after FEED, 'Commissioning ... slated for 2027'",
              "wa_gov_iluka_2022;nsenergy_iluka_2024;pensana_saltend_2022",
              "the NdPr share of Eneabba's 17,500 t REO is not published in the sources "
              "read: Pensana Saltend's monazite-fed split (4,500 t NdPr oxide of 12,500 t "
              "REO = 0.36) is applied (Dy, Tb left out); capex = midpoint A$1.75bn"),
    Announced("pensana_saltend", "rare_earths", "refine", "GBR", 4500, "ndpr_oxide",
              195e6, "USD", 2030,
              "Mining Technology (Jul 2022): 'produce 12,500t of separated rare earths, "
              "including 4,500t of ... NdPr'; '$195m Saltend rare earth processing hub'; "
              "full production expected in 2024",
              "pensana_saltend_2022",
              "online_year: the announced 2024 start has passed and no production is "
              "reported in the sources read; 2030 (the next modelled year) is used"),
    Announced("solvay_la_rochelle", "rare_earths", "refine", "FRA", 4500, "ndpr_oxide",
              100e6, "EUR", 2030,
              "24Brussels (Apr 2025): 'By 2030, the company hopes to produce around 4,500 "
              "tonnes a year, or 30 per cent of the European market'; SpecChem (Apr 2025): "
              "'it may invest EUR 100 million to produce at full scale'",
              "solvay_2025",
              "the 4,500 t are read as NdPr oxide (the line makes magnet rare earths; the "
              "product is not stated); capex is Solvay's full-scale figure, conditional on "
              "customers"),
    Announced("energy_fuels_white_mesa_phase2", "rare_earths", "refine", "USA", 5000,
              "ndpr_oxide", 410e6, "USD", 2029,
              "Energy Fuels BFS (Jan 2026, via Stocktwits/Burstable): capacity from 1,000 tpa "
              "to 'over 6,000 tpa of NdPr oxide, along with 66 tpa of terbium (Tb) and 240 "
              "tpa of dysprosium (Dy)'; 'estimated capital cost ... $410 million'; "
              "commissioning 'by the first quarter (Q1) of 2029'; all-in cost '$29.39 per "
              "kilogram of NdPr equivalent'",
              "energy_fuels_2026",
              "", 29390.0 / 0.85, (("dy_oxide", 240.0), ("tb_oxide", 66.0))),
    Announced("lynas_malaysia_heavy_re", "rare_earths", "refine", "MYS", 250, "dy_oxide",
              180e6, "AUD", 2027,
              "The West Australian / rawmaterials.net (Oct 2025): new A$180 million heavy "
              "rare earth separation facility, 'up to 5,000 tons of feedstock per year', "
              "yields 'around 1% terbium and 5% dysprosium'; first samarium April 2026, "
              "'initial suite of separated heavy rare earths ... within two years'. Japan: "
              "JARE (Sojitz + JOGMEC) holds offtake of up to 65 % of Lynas Dy/Tb (2023)",
              "lynas_hre_2025;jare_lynas_2023",
              "Dy and Tb yields read as oxide tonnes of the 5,000 t feed (250 t Dy2O3, "
              "50 t Tb4O7); online_year = Oct 2025 + two years", None,
              (("tb_oxide", 50.0),)),
    Announced("caremag_lacq", "rare_earths", "refine", "FRA", 500, "dy_oxide", 110e6, "EUR",
              2027,
              "Reuters (17 Mar 2025): JOGMEC and Iwatani 'will invest up to 110 million "
              "euros' in Caremag's plant in Pyrenees-Atlantiques, 'more than 1,000 metric "
              "tons of rare earth oxides mainly from recycled magnets', 'production capacity "
              "include 500 tons of dysprosium and 90 tons of terbium'; Argus (Mar 2025): "
              "commercial operations 'sometime in late 2026', deliveries to Japan 'as early "
              "as from 2027' (half of the heavy rare earth output to Iwatani)",
              "caremag_2025",
              "capex = the Japanese (JOGMEC + Iwatani) financing of up to EUR 110m, a lower "
              "bound (the total is not published in the sources read); only the Dy and Tb "
              "are counted (read as oxides), the NdPr of the other REO is not split out",
              None, (("tb_oxide", 90.0),)),
    # --- rare earths: magnets (manufacture basis: magnet REEs contained in NdFeB) ---
    Announced("neo_narva_magnets", "rare_earths", "manufacture", "EST", 2000, "ndfeb",
              100e6, "EUR", 2026,
              "Invest in Estonia (Jun 2023): 'EUR 100M magnet plant'; earths-book / "
              "Chatnewstv (Sep 2025): 'up to 2,000 tonnes per year in Phase 1', inaugurated "
              "September 2025, 'targeting commercial ramp-up in 2026'",
              "neo_narva_2025"),
    Announced("mp_materials_10x", "rare_earths", "manufacture", "USA", 10000 - 1000, "ndfeb",
              1.0e9, "USD", 2028,
              "MP Materials-DoD (10 Jul 2025, via defence-industry.eu / AInvest): 10X "
              "Facility commissioning 2028 brings 'total domestic rare earth magnet capacity "
              "to approximately 10,000 metric tons' from 1,000 t at Independence; '$1.0 "
              "billion financing commitment from JPMorgan ... and Goldman Sachs' for 10X",
              "mp_dod_2025",
              "capex = the $1.0bn financing commitment for the 10X Facility (no capital "
              "cost published); capacity = 10,000 - 1,000 t (Independence)"),
    # --- lithium hydroxide (refine basis: Li content; LiOH.H2O) ---
    Announced("covalent_kwinana", "lithium", "refine", "AUS", 50000, "lioh_h2o", 2.6e9, "AUD",
              2027,
              "Covalent Lithium (2025): first battery-grade hydroxide July 2025, 'ramp-up to "
              "50,000 tonnes per annum nameplate capacity over the next 18 months'; Bulk "
              "Handling Review (2024): Mt Holland 'expected cost of $2.6 billion'",
              "covalent_2025",
              "capex is the whole Mt Holland project (mine, concentrator and refinery): an "
              "upper bound for the refinery; online_year = nameplate after the 18-month "
              "ramp-up from July 2025"),
    Announced("amg_bitterfeld", "lithium", "refine", "DEU", 20000, "lioh_h2o", 140e6, "EUR",
              2025,
              "electrive (18 Sep 2024): 'up to 20,000 tonnes of lithium hydroxide ... "
              "starting from next year', 'investment costs at about 140 million euros', "
              "full capacity planned for 2025",
              "amg_bitterfeld_2024"),
    Announced("vulcan_lionheart", "lithium", "refine", "DEU", 24000, "lioh_h2o", 2.0e9, "EUR",
              2028,
              "Chemxplore (EIB, 2025): 'produce 24,000 tonnes of lithium hydroxide "
              "monohydrate annually', 'This EUR 2 billion initiative', 'production targeted "
              "to begin in 2028'",
              "vulcan_2025",
              "capex is the whole integrated Lionheart project (geothermal brine wells, "
              "direct lithium extraction, heat and power, and the hydroxide plant): an upper "
              "bound for the refine step"),
    Announced("green_lithium_teesside", "lithium", "refine", "GBR", 50000, "lioh_h2o",
              50000 * 140e6 / 20000, "EUR", 2027,
              "ITV (28 Jul 2023): 'up and running in 2027', 'annual production capacity of "
              "50,000 tonnes of battery-grade lithium chemicals'; New Power (Jul 2023): "
              "'lithium hydroxide monohydrate'",
              "green_lithium_2023;amg_bitterfeld_2024",
              "no capital cost in the sources read: AMG Bitterfeld's EUR 140m per 20,000 t "
              "LiOH (EUR 7,000 per t of yearly capacity) x 50,000 t"),
    Announced("tees_valley_lithium", "lithium", "refine", "GBR", 25000, "lioh_h2o",
              250e6 * 25000 / 96000, "GBP", 2027,
              "Tees Valley Lithium (company site, 2025): 'begin production in 2027 with a "
              "25,000 tpa Phase 1 and scale up to 100,000 tpa'; The Construction Index "
              "(2022): 'the GBP 250m lithium hydroxide refinery is expected to produce "
              "96,000 tonnes a year of battery-grade lithium hydroxide'",
              "tees_valley_lithium_2025",
              "Phase 1 capex not published: GBP 250m x 25,000 / 96,000 t (pro rata); the "
              "25,000 tpa read as lithium hydroxide monohydrate"),
    # --- graphite anode (manufacture basis: t of anode active material = t C) ---
    Announced("syrah_vidalia_expansion", "graphite", "manufacture", "USA", 45000 - 11250,
              "graphite_aam", 539e6, "USD", 2030,
              "Concordia Sentinel (28 Apr 2023): DFS 'total capital cost estimate for the "
              "expansion project is $539 million'; finanzen.at (9 Feb 2024): 'expansion of "
              "Vidalia to 45ktpa AAM capacity, inclusive of 11.25ktpa'",
              "syrah_2023",
              "online_year: no date in the sources read (final investment decision "
              "pending); 2030 used; capacity = 45,000 - 11,250 t already built"),
    Announced("talga_lulea", "graphite", "manufacture", "SWE", 19500, "graphite_aam", 3.0e9,
              "SEK", 2025,
              "North Sweden Business (Sep 2023): 'produce 19,500 tons of anode material per "
              "year', 'investment is estimated at just over SEK 3 billion', 'Production will "
              "start in spring 2025'",
              "talga_2023",
              "capex 'just over SEK 3 billion' taken as SEK 3.0bn; the announced 2025 start "
              "is kept (no later date in the sources read)"),
    # --- gallium (refine basis: Ga metal) ---
    Announced("alcoa_wagerup_gallium", "gallium", "refine", "AUS", 100, "ga_metal", 200e6,
              "AUD", 2026,
              "Alcoa (20 Oct 2025, via Australian Manufacturing): 'expected to produce 100 "
              "metric tons of gallium annually', JV with Japan Australia Gallium Associates "
              "(Japanese Government/JOGMEC + Sojitz) and US/Australian governments; "
              "ferro-alloys.com: 'A$200-million in concessional equity finance'; production "
              "from 2026",
              "alcoa_gallium_2025",
              "capex: only the Australian Government's A$200m equity is published (US, "
              "Alcoa and Japanese shares are not): a lower bound; one report (nrinvesting) "
              "gives it as US$200m, the A$ figure of the Prime Minister's statement is used"),
    # --- cobalt and nickel refining ---
    Announced("electra_cobalt_refinery", "cobalt", "refine", "CAN", 6500, "co_metal", 100e6,
              "CAD", 2027,
              "BNN Bloomberg (20 Jun 2025): 'will produce 6,500 tonnes of cobalt annually'; "
              "battery-tech.net (Sep 2025): 'estimated C$100 million investment to complete "
              "construction'; commissioning expected in 2027 (Glance, late 2025)",
              "electra_2025",
              "capacity read as cobalt contained (other reports say '6,500 tonnes of cobalt "
              "sulfate'); capex = the cost to complete (about C$100m had already been spent "
              "on the refinery, not counted)"),
    Announced("canada_nickel_netzero", "nickel", "refine", "CAN", 80000, "ni_metal", 1.0e9,
              "USD", 2027,
              "EV Magazine (Jul 2024): 'US $1 billion ... nickel processing plant in "
              "Ontario', 'Scheduled to commence operations in 2027', 'produce over 80,000 "
              "tons of nickel annually'",
              "canada_nickel_2024"),
)

PRESS = "publisher's terms (short figures quoted with attribution)"
PROJECT_SOURCES = (
    (FX, "Foreign Exchange Rates G.5A Annual: 2023 averages (release of 1 Feb 2024)",
     "Board of Governors of the Federal Reserve System", "G.5A, 1 Feb 2024", 2024,
     "Public domain (U.S. Government work)", "https://federalreserve.gov/releases/g5a/20240201",
     "2023 averages of noon buying rates: USD per AUD 0.6644, per EUR 1.0817, per GBP "
     "1.2440; CAD 1.3494, SEK 10.6089, JPY 140.5001 per USD; one year's rates for every "
     "announcement (2022-2026)"),
    ("wa_gov_iluka_2022", "Australia's first integrated rare earths refinery",
     "Government of Western Australia", "news story, Apr 2022", 2022, PRESS,
     "https://wa.gov.au/government/announcements/australias-first-integrated-rare-earths-"
     "refinery", "17,500 tpa of rare earth oxides; capex then A$1.2bn"),
    ("nsenergy_iluka_2024", "Australia commits additional $257m to Iluka's Eneabba rare "
     "earths refinery", "NS Energy", "Dec 2024", 2024, PRESS,
     "https://nsenergybusiness.com/news/australia-commits-additional-257m-to-ilukas-eneabba-"
     "rare-earths-refinery", "capex A$1.7-1.8bn after FEED (Dec 2023); commissioning 2027"),
    ("pensana_saltend_2022", "Pensana starts construction at $195m Saltend rare earth "
     "processing hub", "Mining Technology (GlobalData)", "Jul 2022", 2022, PRESS,
     "https://www.mining-technology.com/news/pensana-rare-earths-facility-uk/",
     "12,500 t separated rare earths incl. 4,500 t NdPr; $195m; full production 2024"),
    ("solvay_2025", "Solvay inaugurates rare earth line at La Rochelle (Apr 2025)",
     "24Brussels; SpecChem Online", "Apr 2025", 2025, PRESS,
     "https://24brussels.online/?p=13798", "around 4,500 t a year by 2030; SpecChem "
     "(https://specchemonline.com/node/10107): may invest EUR 100m at full scale"),
    ("energy_fuels_2026", "Energy Fuels bankable feasibility study, White Mesa Phase 2 rare "
     "earth circuit (Jan 2026)", "Energy Fuels Inc. (via Stocktwits news, Burstable)",
     "Jan 2026", 2026, PRESS,
     "https://stocktwits.com/news-articles/markets/equity/why-is-uuuu-stock-rising-pre-"
     "market-today/cmU1lbWR47H", "capex $410m; >6,000 tpa NdPr oxide (from 1,000), 66 tpa "
     "Tb, 240 tpa Dy; commissioning by Q1 2029; all-in cost $29.39/kg NdPr equivalent"),
    ("lynas_hre_2025", "Lynas to build A$180m heavy rare earths separation plant in Malaysia",
     "The West Australian; rawmaterials.net", "Oct 2025", 2025, PRESS,
     "https://rawmaterials.net/lynas-expands-heavy-rare-earth-production-in-malaysia",
     "5,000 t feedstock/yr, ~5 % Dy and ~1 % Tb yields; A$180m (thewest.com.au)"),
    ("jare_lynas_2023", "JARE investing AUD200M in Lynas Rare Earths; heavy rare earths for "
     "Japan", "Green Car Congress (Lynas announcement)", "9 Mar 2023", 2023, PRESS,
     "https://www.greencarcongress.com/2023/03/20230309-lynas.html",
     "JARE = Sojitz + JOGMEC; up to 65 % of Lynas Dy/Tb to Japan"),
    ("caremag_2025", "Japan's JOGMEC, Iwatani to invest up to EUR 110 million in French "
     "rare earths refining project", "Reuters (Y. Obayashi); Argus Media", "17 Mar 2025",
     2025, PRESS, "https://squidsite02.com/2025/03/17/japan-to-invest-100",
     "Caremag, Lacq: >1,000 t REO/yr, 500 t Dy and 90 t Tb; Japan takes half of the heavy "
     "rare earths; commercial operation late 2026 (https://www.argusmedia.com/ja/news-and-"
     "insights/latest-market-news/2668346-japanese-firms-invest-in-french-rare-earths-"
     "producer)"),
    ("tees_valley_lithium_2025", "Tees Valley Lithium, Wilton lithium hydroxide refinery",
     "Tees Valley Lithium; The Construction Index", "2025 / 2022", 2025, PRESS,
     "https://teesvalleylithium.co.uk", "Phase 1 25,000 tpa from 2027, then 100,000 tpa; "
     "GBP 250m for 96,000 t/yr (https://www.theconstructionindex.co.uk/news/view/green-"
     "light-for-250m-wilton-lithium-refinery)"),
    ("neo_narva_2025", "Neo Performance Materials Narva magnet plant", "Invest in Estonia; "
     "earths-book.com", "Jun 2023 / Sep 2025", 2025, PRESS,
     "https://investinestonia.com/estonia-celebrates-groundbreaking-for-a-revolutionary-"
     "magnet-plant-in-narva/", "EUR 100M project; 2,000 t/yr sintered NdFeB block (phase "
     "1), commercial ramp-up 2026 (http://www.earths-book.com/index-1075.html)"),
    ("mp_dod_2025", "MP Materials and U.S. Department of Defense partner to build rare earth "
     "magnet supply chain", "defence-industry.eu (MP Materials release)", "10 Jul 2025", 2025,
     PRESS, "https://defence-industry.eu/mp-materials-and-u-s-department-of-defense-partner-"
     "to-build-rare-earth-magnet-supply-chain-for-america", "10X commissioning 2028; total "
     "~10,000 t magnets; $1.0bn JPMorgan/Goldman financing; Independence 1,000 t (AInvest)"),
    ("covalent_2025", "Covalent Lithium achieves first product at Kwinana", "Covalent "
     "Lithium; Bulk Handling Review", "2025 / 2024", 2025, PRESS,
     "https://www.covalentlithium.com/news", "50,000 tpa nameplate after 18-month ramp-up "
     "from Jul 2025; Mt Holland A$2.6bn (https://www.bulkhandlingreview.com.au/new-lithium-"
     "mine-opens-in-wa/)"),
    ("amg_bitterfeld_2024", "AMG Lithium opens first lithium refinery in Europe", "electrive",
     "18 Sep 2024", 2024, PRESS,
     "https://electrive.com/2024/09/18/amg-lithium-opens-first-lithium-refinery-in-europe",
     "20,000 t LiOH/yr from 2025; about EUR 140m"),
    ("vulcan_2025", "Vulcan Energy secures EUR 250 million EIB financing for Lionheart",
     "Chemxplore (EIB)", "2025", 2025, PRESS,
     "https://chemxplore.com/news/germany-vulcan-energy-secures-250-million-eib-financing-"
     "for-landmark-lithium-project", "24,000 t LiOH.H2O/yr; EUR 2bn project; 2028"),
    ("green_lithium_2023", "UK's first large-scale lithium refinery gets green light", "ITV "
     "News Tyne Tees", "28 Jul 2023", 2023, PRESS,
     "https://www.itv.com/news/tyne-tees/2023-07-28/uks-first-large-scale-lithium-refinery-"
     "gets-green-light", "50,000 t battery-grade lithium chemicals/yr from 2027; no capex"),
    ("syrah_2023", "Syrah features robust definitive feasibility study for expansion",
     "Concordia Sentinel; finanzen.at (Mining.com)", "28 Apr 2023 / 9 Feb 2024", 2023, PRESS,
     "https://www.hannapub.com/concordiasentinel/news/local_state_headlines/syrah-features-"
     "robust-definitive-feasibility-study-for-expansion/article_f0c03e7c-e5d2-11ed-b95f-"
     "771eca90fcfb.html", "expansion capex $539m; to 45 ktpa AAM incl. 11.25 ktpa"),
    ("talga_2023", "Groundbreaking for Talga", "North Sweden Business", "Sep 2023", 2023,
     PRESS, "https://northswedenbusiness.com/news/2023/september/groundbreaking-for-talga/",
     "19,500 t anode/yr; just over SEK 3bn; production spring 2025"),
    ("alcoa_gallium_2025", "Governments back Alcoa's gallium project at Wagerup",
     "Australian Manufacturing; ferro-alloys.com", "20 Oct 2025", 2025, PRESS,
     "https://www.australianmanufacturing.com.au/governments-back-alcoas-gallium-"
     "manufacturing-project-in-western-australia", "100 t Ga/yr; JV with JAGA (Japan/JOGMEC "
     "+ Sojitz); A$200m Australian concessional equity (http://www.ferro-alloys.cn/en/News/"
     "Details/331340)"),
    ("electra_2025", "Electra cobalt refinery, Temiskaming Shores", "BNN Bloomberg; "
     "battery-tech.net", "20 Jun 2025 / Sep 2025", 2025, PRESS,
     "https://www.bnnbloomberg.ca/business/company-news/2025/06/20/electra-takes-the-next-"
     "step-in-opening-north-americas-only-cobalt-refinery/", "6,500 t cobalt/yr; C$100m to "
     "complete; commissioning 2027"),
    ("canada_nickel_2024", "Canada Nickel Co. unveils US $1 billion plan for nickel "
     "processing plant in Ontario", "EV Magazine", "26 Jul 2024", 2024, PRESS,
     "https://evmagz.com/canada-nickel-co-unveils-us-1-billion-plan-for-nickel-processing-"
     "plant-in-ontario/", "80,000 t nickel/yr; US$1bn; operations 2027"),
)
