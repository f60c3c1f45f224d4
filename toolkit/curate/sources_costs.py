"""``sources.csv`` entries cited by ``costs.csv`` and ``bid_premiums.csv``.

Same tuple layout as :data:`toolkit.curate.sources.SOURCES`: (source_id, title, publisher,
edition, year, licence, url, caveats). Press and price-agency figures were read in search
excerpts (often mirrors or reposts); the URL is the page read, the original publisher is
named (see ``research/bid_premiums.md``).
"""

from __future__ import annotations

PRESS = "publisher's terms (short figures quoted with attribution)"

COST_SOURCES = (
    ("cepii_baci_qty_v202601", "BACI HS17 V202601, 2024, 30 critical HS6 codes, with "
     "quantities (qty_t)", "CEPII", "V202601 (Varcolacus/critical-materials-atlas "
     "pipeline/data/trade.parquet, commit 71cc1631, rewritten as CSV)", 2026,
     "Etalab Open Licence 2.0 (re-check on the CEPII page)",
     "https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37",
     "FOB-type unit values (CIF/FOB reconciled); quantities partly estimated by CEPII; qty "
     "null in 1,030 rows (dropped); codes 2846, 280530, 8105, 282520, 250410, 380110 absent"),
    ("un_comtrade_atlas_2024", "UN Comtrade 2024, 31 critical HS6 codes, all reporters x "
     "partners (value, net weight)", "United Nations Statistics Division",
     "pull by Varcolacus/critical-materials-atlas reconcile/pull_comtrade.py (commit "
     "eae5af2f)", 2024, "UN Comtrade terms of use (attribution)",
     "https://comtradeplus.un.org", "breakdown keys dropped: rows repeat (totals, parts, "
     "duplicates), so never summed as levels; each row's value/netwgt is a valid unit value; "
     "used only as an exporter-reported cross-check"),
    ("un_comtrade_china_exports", "China's exports of HS 250410, 380110, 811292 by partner, "
     "monthly 2017-2024 (UN Comtrade)", "qennis/ChinaCriticalMineralComtrade (secondary "
     "table of UN Comtrade data)", "data_output/tables/deep_dive_hs6_monthly.csv, commit "
     "b722e752", 2024, "no licence file in the repository; underlying data UN Comtrade "
     "terms of use", "https://github.com/qennis/ChinaCriticalMineralComtrade",
     "aggregated by the repository owner from HS8 pulls; qty = last available of "
     "primaryQuantity/netWgt/qty; exporter-reported (FOB) values"),
    ("busch_2024", "Lithium deposit parameters (160 deposits, extraction cost tranches) - "
     "replication data of Busch et al. (2024), 'Effects of Demand and Recycling on Future "
     "Lithium Extraction'", "P. Busch et al. (pmbusch/Critical-Minerals-EV)",
     "Parameters/Deposit.csv, commit 57354cf8", 2024, "MIT (c) 2024 Pablo Busch",
     "https://github.com/pmbusch/Critical-Minerals-EV", "model parameters: costs from "
     "company reports or grade regressions; cost1 includes royalty and corporate tax at an "
     "assumed 20,000 USD/t LCE; USD 2022 per t Li as LCE (hard rock + flat 2,500 USD/t LCE "
     "conversion)"),
    ("mp_materials_q4_2024", "MP Materials reports mixed Q4 results amid soft realized "
     "prices (fourth-quarter 2024 results)", "Investing.com, reporting MP Materials Corp.",
     "20 Feb 2025", 2025, PRESS, "https://ng.investing.com/news/earnings/mp-materials-"
     "reports-mixed-q4-results-amid-soft-realized-prices-93CH-1773336",
     "average realized price per REO metric ton 4,717 USD in Q4 2024 (down 16 % y/y); one "
     "producer's concentrate, one quarter; the full-year figure was not retrieved"),
    ("reuters_ndpr_floor_2025", "US Sets Rare Earth Price Floor to Challenge China's Market "
     "Dominance", "EconoTimes, relaying Reuters", "Jul 2025", 2025, PRESS,
     "https://www.econotimes.com/US-Sets-Rare-Earth-Price-Floor-to-Challenge-Chinas-Market-"
     "Dominance-1716080", "110 USD/kg NdPr floor vs China ~63 USD/kg (Jul 2025); China rose "
     "to ~88 USD/kg by Aug 2025 (premium 0.25)"),
    ("reuters_magnets_2025", "Rare earth magnet users jolted into paying premium prices for "
     "ex-China supply", "Reuters (E. Onstad, H. Jin), repost", "1 Jul 2025", 2025, PRESS,
     "https://www.financetom.com/business/insightrare-earth-magnet-users-jolted-into-paying-"
     "premium-prices-for-exchina-supply-395248.htm", "Korean customers of NovaTech willing to "
     "pay 15-20 % more for magnets made in Vietnam; Neo: +10-30 USD/kg"),
    ("argus_dy_tb_2025", "Dysprosium and terbium prices in Europe after the April 2025 "
     "controls", "GMT Eight, quoting Argus (and Nikkei via Rare Earth Exchanges)",
     "9 May 2025", 2025, PRESS, "https://gmteight.com/latest/detail/282683",
     "pre-control European price used as the China-parity proxy; thin ex-China spot market"),
    ("reuters_gallium_2023", "Chinese gallium prices hit 7-month high as demand improves, "
     "shipments resume", "Reuters (A. Lv, D. Patton), repost by KDAL", "19 Oct 2023", 2023,
     PRESS, "https://kdal610.com/2023/10/19/chinese-gallium-prices-hit-7-month-high-as-"
     "demand-improves-shipments-resume/", "Europe 475 USD/kg (Fastmarkets) vs China 269.95 "
     "USD/kg (SMM), 18 Oct 2023"),
    ("fastmarkets_germanium_2025", "Germanium price near 5,000 USD/kg (Fastmarkets, 10 Sep "
     "2025)", "Sputnik/WSJ relaying Fastmarkets", "15 Sep 2025", 2025, PRESS,
     "https://canada.news-pravda.com/world/2025/09/15/26640.html", "spot peak"),
    ("china_germanium_2025", "China 2025 average germanium export price 2,927.82 USD/kg",
     "Huanqiu Laohu Caijing via Reportify", "12 Jan 2026", 2026, PRESS,
     "https://reportify.ai/news/1208212428811276288", "annual average vs a spot peak"),
    ("argus_antimony_2025", "EU antimony softens slightly on improved availability", "Argus",
     "24 Jun 2025", 2025, PRESS, "https://www.argusmedia.com/en/news-and-insights/latest-"
     "market-news/2702731-eu-antimony-softens-slightly-on-improved-availability",
     "Rotterdam 59,500-61,000 USD/t duty unpaid"),
    ("smm_antimony_2025", "SMM Weekly Spot Antimony Market Review", "Shanghai Metals Market",
     "27 Jun 2025", 2025, PRESS, "https://news.metal.com/newscontent/103399224/",
     "No. 1 antimony ingot 186,500 yuan/t (VAT likely included)"),
    ("steelorbis_fx_2025", "USD/RMB rate 7.1752 (SteelOrbis excerpt)", "SteelOrbis",
     "late Mar 2025", 2025, PRESS, "", "exchange rate of a different date than the prices"),
    ("smm_apt_2025", "Domestic Tungsten Market Stabilizes, Overseas Market Rises Again",
     "Shanghai Metals Market", "19 Jun 2025", 2025, PRESS,
     "https://news.metal.com/newscontent/103385170/", "spread closed by Sep-Oct 2025"),
    ("fastmarkets_graphite_2022", "Graphite demand recovery uncertain despite falling freight "
     "costs", "Fastmarkets", "17 Nov 2022", 2022, PRESS,
     "https://www.fastmarkets.com/insights/graphite-demand-recovery-uncertain/",
     "CIF Europe vs FOB China: includes freight"),
    ("syrah_stanford_anode", "Stanford University research highlights the need for US "
     "policy support...", "Syrah Resources (company news), reporting a Stanford study",
     "c. 2025", 2025, PRESS, "https://syrah-resources.vercel.app/news/stanford-university-"
     "research-highlights-the-need-for-us-policy-support-to-strengt",
     "US anode production cost 100-200 % above China; a cost gap"),
    ("fastmarkets_lithium_2021", "Seaborne lithium carbonate price exceeds that for lithium "
     "hydroxide", "Fastmarkets", "Dec 2021", 2021, PRESS,
     "https://www.fastmarkets.com/article/4017873/", "old; near parity"),
    ("iea_battery_2025", "The battery industry has entered a new phase (commentary)",
     "International Energy Agency, as reported by ess-news.com", "6 Mar 2025", 2025,
     "IEA terms (commentary)", "https://www.ess-news.com/2025/03/07/iea-global-battery-"
     "industry-has-entered-new-phase/", "Chinese batteries 30 % cheaper than European, 20 % "
     "than North American"),
    ("argus_cobalt_2025", "Cobalt rises despite continued oversupply", "Argus", "Mar 2025",
     2025, PRESS, "https://www.argusmedia.com/metals-platform/newsandanalysis/article/"
     "2664537-Cobalt-rises-despite-continued-oversupply", "Rotterdam metal, 4 Mar 2025"),
    ("smm_npi_2025", "High-Nickel Pig Iron Prices Continue to Rise...",
     "Shanghai Metals Market", "28 Mar 2025", 2025, PRESS,
     "https://news.metal.com/newscontent/103253186/", "product-form spread, not origin"),
    ("fastmarkets_copper_2024", "Aurubis 2025 European copper cathode premium 228 USD/t",
     "Fastmarkets", "Oct 2024", 2024, PRESS, "https://www.fastmarkets.com/?p=66187", ""),
    ("reuters_codelco_2024", "Codelco offers copper to Chinese clients at premium of $89/t",
     "Reuters via Kitco", "11 Nov 2024", 2024, PRESS, "https://www.kitco.com/news/off-the-"
     "wire/2024-11-11/codelco-offers-copper-chinese-clients-premium-89t",
     "2026 China premium offered at 335-350 USD/t"),
    ("lme_copper_2025", "LME copper topping 11,000 USD/t", "Azovpromstal news", "late Oct 2025",
     2025, PRESS, "https://www.azovpromstal.com/news/one/id/12534?lng=en",
     "different date than the premia"),
    ("argus_magnesium_2024", "EU magnesium prices enter grey area below $3,000/t", "Argus "
     "(copy)", "Mar 2024", 2024, PRESS, "http://www.kiganode.com/disnews.asp?id=114", ""),
    ("fastmarkets_silicon_2018", "Forecast: European silicon prices expected to rise on US "
     "decision", "Metal Bulletin / Fastmarkets", "23 Mar 2018", 2018, PRESS,
     "https://www.fastmarkets.com/insights/forecast-european-silicon-prices-expected-to-rise"
     "-on-us-decision", "old; EU anti-dumping duty on Chinese silicon"),
    ("iea_pv_2022", "Solar PV Global Supply Chains", "International Energy Agency",
     "Jul 2022", 2022, "CC BY 4.0 (IEA)",
     "https://www.iea.org/reports/solar-pv-global-supply-chains/executive-summary",
     "sentence read in a text mirror"),
    ("fastmarkets_bismuth_2025", "China's export controls disrupt bismuth markets and "
     "challenge European industries", "Fastmarkets", "21 Mar 2025", 2025, PRESS,
     "https://www.fastmarkets.com/insights/chinas-export-controls-disrupt-bismuth-markets-"
     "and-challenge-european-industries", ""),
    ("argus_vanadium_2021", "European Vanadium Price Outlooks Diverge", "vanadiumprice.com "
     "relaying Argus", "c. Aug-Sep 2021", 2021, PRESS,
     "https://www.vanadiumprice.com/european-vanadium-price-outlooks-diverge/", "old"),
    ("iea_gcmo_2025", "Global Critical Minerals Outlook 2025 - Policy mechanisms for "
     "diversified mineral supplies", "International Energy Agency", "May 2025", 2025,
     "CC BY 4.0 (IEA)", "https://www.iea.org/reports/global-critical-minerals-outlook-2025/"
     "policy-mechanisms-for-diversified-mineral-supplies",
     "capex outside the dominant producer typically 50 % higher: a capex ratio, not a price "
     "spread"),
)
