"""``sources.csv`` entries cited by the outlook years (``production_years.csv``,
``demand_years.csv``).  Same tuple layout as :data:`toolkit.curate.sources.SOURCES`:
(source_id, title, publisher, edition, year, licence, url, caveats)."""

from __future__ import annotations

from toolkit.curate.projects_published import PROJECT_SOURCES

OUTLOOK_SOURCES = (
    ("oecd_gmro_2019", "Global Material Resources Outlook to 2060: Economic Drivers and "
     "Environmental Consequences (preview press release, 22 Oct 2018)", "OECD",
     "2019 (preview released at the World Circular Economy Forum, Yokohama, Oct 2018)", 2019,
     "OECD terms (figures quoted with attribution)",
     "https://www.interest.co.nz/business/96502/raw-materials-use-double-2060-severe-"
     "environmental-consequences-says-oecd", "'global materials use rising to 167 "
     "Gigatonnes in 2060 from 90 Gigatonnes today' (content supplied by the OECD); all "
     "materials incl. biomass, fossil fuels and construction minerals; 'today' read as 2017, "
     "the report's base year; used as the demand growth of minerals without an IEA "
     "total-demand projection (an assumption)"),
)
OUTLOOK_SOURCES = OUTLOOK_SOURCES + PROJECT_SOURCES  # projects.csv
