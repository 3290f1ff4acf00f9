"""Recurring schedules, declared once and installed by `manage.py setup_schedules` at start-up."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule

SCHEDULES: dict[str, dict] = {
    "reminder-sweep": {
        "func": "hmicfrs_mou.tasks.sweep_reminders",
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
    },
    "outbox": {
        "func": "hmicfrs_mou.tasks.send_outbox",
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
    },
    "report-notices": {
        "func": "hmicfrs_mou.tasks.report_notices",
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
    },
    "daily-maintenance": {
        "func": "hmicfrs_mou.tasks.daily_maintenance",
        "schedule_type": Schedule.DAILY,
    },
}


@transaction.atomic
def install_schedules() -> list[str]:
    """Create or update each schedule; remove ones no longer declared. Idempotent."""
    now = timezone.now()
    for name, spec in SCHEDULES.items():
        schedule = Schedule.objects.filter(name=name).first()
        if schedule is None:
            first_run = now + dt.timedelta(seconds=5)
            if spec["schedule_type"] == Schedule.DAILY:
                # 02:30 London, after the clock changes and before anyone starts work.
                local = timezone.localtime(now)
                first_run = local.replace(hour=2, minute=30, second=0, microsecond=0)
                if first_run <= local:
                    first_run += dt.timedelta(days=1)
            Schedule.objects.create(name=name, repeats=-1, next_run=first_run, **spec)
        else:
            changed = False
            for attr, value in spec.items():
                if getattr(schedule, attr) != value:
                    setattr(schedule, attr, value)
                    changed = True
            if changed:
                schedule.save()
    # A schedule dropped from SCHEDULES stops too.
    Schedule.objects.filter(func__startswith="hmicfrs_mou.tasks.").exclude(name__in=list(SCHEDULES)).delete()
    return list(SCHEDULES)
