"""Readable names of the announced plants of ``projects.csv`` (operator and plant, as the
cited announcements name them; :mod:`toolkit.curate.projects_published`), shown in the
reports instead of the project ids."""

from __future__ import annotations

PROJECT_NAMES: dict[str, str] = {
    "alcoa_wagerup_gallium": "Alcoa Wagerup gallium plant",
    "amg_bitterfeld": "AMG Lithium Bitterfeld hydroxide refinery",
    "caremag_lacq": "Caremag Lacq rare-earth recycling and separation plant",
    "canada_nickel_netzero": "Canada Nickel Ontario nickel processing plant",
    "covalent_kwinana": "Covalent Lithium Kwinana hydroxide refinery",
    "electra_cobalt_refinery": "Electra Ontario cobalt refinery",
    "energy_fuels_white_mesa_phase2": "Energy Fuels White Mesa rare-earth separation, phase 2",
    "green_lithium_teesside": "Green Lithium Teesside refinery",
    "iluka_eneabba": "Iluka Eneabba rare-earth refinery",
    "lynas_malaysia_heavy_re": "Lynas Malaysia heavy rare-earth separation",
    "mp_materials_10x": "MP Materials 10X magnet plant",
    "neo_narva_magnets": "Neo Performance Materials Narva magnet plant",
    "pensana_saltend": "Pensana Saltend rare-earth processing hub",
    "solvay_la_rochelle": "Solvay La Rochelle rare-earth separation",
    "syrah_vidalia_expansion": "Syrah Vidalia anode plant expansion",
    "talga_lulea": "Talga Luleå anode plant",
    "tees_valley_lithium": "Tees Valley Lithium hydroxide refinery, phase 1",
    "vulcan_lionheart": "Vulcan Lionheart lithium hydroxide plant",
}


def project_name(project: str) -> str:
    """The readable name of ``project`` (blank when none is recorded)."""
    return PROJECT_NAMES.get(project, "")
