"""What inspections announces to the apps above it, without knowing who listens.

Publication must not depend on who answers a report: inspections sends
`report_published` and the public report page shows whatever sections the apps
above register. responses listens (its obligations, U6) and adds each PCC's
response to the public page; inspections imports neither.
"""

from __future__ import annotations

from django.dispatch import Signal

from hmicfrs_mou.sections import Sections

# Sent inside the publishing transaction, with `report` and `now`; a receiver's failure rolls
# publication back, so a report is never public without what publication must create.
report_published = Signal()


# The sections of the public report page (hmicfrs_mou.sections): apps above register theirs in ready().
REPORT_SECTIONS = Sections()
