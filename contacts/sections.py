"""Sections the apps above add to a force's or service's public page, without contacts knowing them.

The directory sits below the workflow apps, so its public page of an area cannot ask them for their
records; each app registers a section (a template and the context for it) in its ready(), as the public
report page's sections are registered (inspections/events.py): inspections its published reports about
the area, responses its PCC's responses to them and their timeliness.
"""

from __future__ import annotations

from hmicfrs_mou.sections import Sections

# The sections of a force's or service's public page: apps above register theirs in ready().
AREA_SECTIONS = Sections()
