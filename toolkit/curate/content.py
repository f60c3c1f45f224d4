"""Content-basis conversions: every stage of a mineral in one unit of contained element.

A tonne of flow passes every stage of a mineral, so the USGS series whose tonnes are a
gross weight or an oxide are converted here to the content basis of the refine stage.
Each factor is next to its citation (USGS chapter note, stoichiometry or a labelled
ASSUMPTION); :data:`CONTENT_FACTORS` is applied by :func:`toolkit.curate.usgs.usgs_series`
and :mod:`toolkit.curate.capacity`.
"""

from __future__ import annotations

from dataclasses import dataclass

# Standard atomic weights (IUPAC 2021, abridged): Cr 51.996, Mg 24.305, Ti 47.867,
# As 74.922, O 15.999, C 12.011.
CR_IN_CR2O3 = 2 * 51.996 / (2 * 51.996 + 3 * 15.999)  # 0.6842
MG_IN_MGO = 24.305 / (24.305 + 15.999)  # 0.6030
TI_IN_TIO2 = 47.867 / (47.867 + 2 * 15.999)  # 0.5993

# USGS MCS 2026 Magnesium Compounds chapter note: "Calculations were made using MgO
# contents: magnesite, 47.8%" (the world table's Notes say the tonnes are "Gross weight of
# magnesite (magnesium carbonate)", although the chapter header says MgO content).
MGO_IN_MAGNESITE = 0.478
# USGS MCS 2026 Arsenic chapter note: "arsenic content ... 75.71% for arsenic trioxide".
AS_IN_AS2O3 = 0.7571
# USGS MCS 2026 Bauxite and Alumina chapter note: "As a general rule, 4 tons of dried
# bauxite is required to produce 2 tons of alumina, which, in turn, can be used to produce
# 1 ton of aluminum."
BAUXITE_PER_AL = 4.0
# ASSUMPTION: marketable chromite averages 40 % Cr2O3.  The MCS 2026 Chromium world table
# is "reported in gross weight" (Notes) although the chapter header says "chromium
# content"; USGS gives no grade.  40 % is the saleability threshold quoted by The Northern
# Miner ("To be saleable it would have to contain in the vicinity of 40%+ Cr2O3",
# clarification of 16 Mar 2009, https://secure.northernminer.com/news/clarification-2/
# 1000229405); metallurgical concentrates are sold at 40-48 % Cr2O3, so Cr content is at
# least 0.40 x 0.6842 = 27.4 % of gross weight (a lower bound; source northern_miner_2009).
CR2O3_IN_CHROMITE = 0.40


@dataclass(frozen=True)
class ContentFactor:
    """Multiplier from a USGS series' reported tonnes to the mineral's content basis.

    Attributes
    ----------
    factor
        Tonnes of contained element per reported tonne.
    label
        Short description of the conversion (written to ``source_detail``).
    source_id
        Extra source id(s) behind the factor (``;``-separated), empty when the USGS note
        itself is the source.
    assumption
        True if the factor rests on an assumption (the rows get basis ``assumption``).
    """

    factor: float
    label: str
    source_id: str = ""
    assumption: bool = False


CONTENT_FACTORS: dict[tuple[str, str], ContentFactor] = {
    ("chromium", "mine"): ContentFactor(
        CR2O3_IN_CHROMITE * CR_IN_CR2O3,
        f"gross chromite x {CR2O3_IN_CHROMITE:.2f} Cr2O3 (ASSUMPTION, lower bound of "
        f"saleable grade) x {CR_IN_CR2O3:.4f} Cr/Cr2O3 (stoichiometry) = Cr content",
        "northern_miner_2009;assumption", True),
    ("magnesium", "mine"): ContentFactor(
        MGO_IN_MAGNESITE * MG_IN_MGO,
        f"gross magnesite x {MGO_IN_MAGNESITE} MgO (USGS MCS 2026 chapter note) x "
        f"{MG_IN_MGO:.4f} Mg/MgO (stoichiometry) = Mg content"),
    ("aluminium", "mine"): ContentFactor(
        1.0 / BAUXITE_PER_AL,
        f"dry bauxite / {BAUXITE_PER_AL:g} (USGS MCS 2026 Bauxite note: 4 t bauxite -> 2 t "
        "alumina -> 1 t aluminum) = Al equivalent"),
    ("titanium", "mine"): ContentFactor(
        TI_IN_TIO2, f"TiO2 content x {TI_IN_TIO2:.4f} Ti/TiO2 (stoichiometry) = Ti content"),
    # USGS MCS 2026 Boron world table: each country is reported in its own form (crude ore,
    # ulexite, B2O3 equivalent, compounds, crude / refined borates, datolite ore) and "World
    # totals cannot be calculated because production and reserves are not reported in a
    # consistent manner by all countries".  No cited grade exists for most forms, so the
    # reported tonnes are kept as they are and summed.
    ("boron", "mine"): ContentFactor(
        1.0, "ASSUMPTION: the reported tonnes of each country's form (crude ore, ulexite, "
        "B2O3 equivalent, compounds, borates, datolite ore) are summed as if comparable; "
        "USGS: world totals cannot be calculated; shares are indicative only",
        "assumption", True),
    ("arsenic", "refine"): ContentFactor(
        AS_IN_AS2O3, f"arsenic trioxide gross weight x {AS_IN_AS2O3} (USGS MCS 2026 Arsenic "
        "note: As content of As2O3 75.71%) = As content"),
}
