"""The app's tables as 0008_meetings_newest_first left them, in one migration, for a new database.

It replaces 0001_initial to 0008_meetings_newest_first (`replaces`): a database that applied some or all of them carries on
with them, and only a new database (the tests', a first `make run`) is built from this one. Built from
the models by makemigrations; the replaced migrations have no operation beyond the models'.
Migrating a new database (every app): 22 s to 9 s on SQLite, 23 s to 10 s on PostgreSQL, here.
"""

import django.contrib.auth.models
import django.contrib.auth.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("contacts", "0001_initial"),
        ("contacts", "0002_user_calendar_token"),
        ("contacts", "0003_fire_authority_staff_role"),
        ("contacts", "0004_role_for_iopc_and_college_staff"),
        ("contacts", "0005_confidential_records_c4_c5_l1_l2"),
        ("contacts", "0006_meeting_labels_without_rule_ids"),
        ("contacts", "0007_verbose_names_in_words"),
        ("contacts", "0008_meetings_newest_first"),
    ]

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.CreateModel(
            name="User",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("password", models.CharField(max_length=128, verbose_name="password")),
                ("last_login", models.DateTimeField(blank=True, null=True, verbose_name="last login")),
                (
                    "is_superuser",
                    models.BooleanField(
                        default=False,
                        help_text="Designates that this user has all permissions without explicitly assigning them.",
                        verbose_name="superuser status",
                    ),
                ),
                (
                    "username",
                    models.CharField(
                        error_messages={"unique": "A user with that username already exists."},
                        help_text="Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.",
                        max_length=150,
                        unique=True,
                        validators=[django.contrib.auth.validators.UnicodeUsernameValidator()],
                        verbose_name="username",
                    ),
                ),
                ("first_name", models.CharField(blank=True, max_length=150, verbose_name="first name")),
                ("last_name", models.CharField(blank=True, max_length=150, verbose_name="last name")),
                ("email", models.EmailField(blank=True, max_length=254, verbose_name="email address")),
                (
                    "is_staff",
                    models.BooleanField(
                        default=False,
                        help_text="Designates whether the user can log into this admin site.",
                        verbose_name="staff status",
                    ),
                ),
                (
                    "is_active",
                    models.BooleanField(
                        default=True,
                        help_text="Designates whether this user should be treated as active. Unselect this instead of deleting accounts.",
                        verbose_name="active",
                    ),
                ),
                (
                    "date_joined",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="date joined"),
                ),
                ("job_title", models.CharField(blank=True, max_length=200)),
                ("phone", models.CharField(blank=True, max_length=50)),
                ("calendar_token", models.CharField(blank=True, db_index=True, max_length=64)),
                (
                    "groups",
                    models.ManyToManyField(
                        blank=True,
                        help_text="The groups this user belongs to. A user will get all permissions granted to each of their groups.",
                        related_name="user_set",
                        related_query_name="user",
                        to="auth.group",
                        verbose_name="groups",
                    ),
                ),
                (
                    "user_permissions",
                    models.ManyToManyField(
                        blank=True,
                        help_text="Specific permissions for this user.",
                        related_name="user_set",
                        related_query_name="user",
                        to="auth.permission",
                        verbose_name="user permissions",
                    ),
                ),
            ],
            options={
                "ordering": ["last_name", "first_name", "username"],
            },
            managers=[
                ("objects", django.contrib.auth.models.UserManager()),
            ],
        ),
        migrations.CreateModel(
            name="Organisation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("hmicfrs", "HMICFRS"),
                            ("apcc", "APCC"),
                            ("police_force", "Police force"),
                            ("fire_rescue_service", "Fire and rescue service"),
                            ("governing_body", "Governing body"),
                            ("opcc", "Office of the PCC or equivalent"),
                            ("panel", "Police (fire) and crime panel"),
                            ("home_office", "Home Office"),
                            ("iopc", "IOPC"),
                            ("college_of_policing", "College of Policing"),
                        ],
                        db_index=True,
                        max_length=32,
                    ),
                ),
                ("slug", models.SlugField(max_length=100)),
                ("name", models.CharField(max_length=300)),
                ("country", models.CharField(blank=True, max_length=20)),
                ("authority_type", models.CharField(blank=True, max_length=200)),
                ("website", models.URLField(blank=True)),
                ("notes", models.TextField(blank=True)),
                (
                    "verified",
                    models.BooleanField(
                        default=False, help_text="A consulted public source confirms this entry individually."
                    ),
                ),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        help_text="For an OPCC, the governing body whose office it is; for a panel, the body it scrutinises.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="children",
                        to="contacts.organisation",
                    ),
                ),
            ],
            options={
                "ordering": ["name"],
                "permissions": [
                    (
                        "act_for_organisation",
                        "Act for the organisation: see its records and work on its behalf",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Meeting",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("hmci_apcc_chair", "HMCI and APCC chair"),
                            ("coo_apcc_chief_executive", "Chief operating officer and APCC chief executive"),
                            ("hmi_pcc_formal", "HMI and PCC formal meeting"),
                            ("opcc_liaison", "OPCC chief executive and liaison lead"),
                        ],
                        max_length=40,
                    ),
                ),
                ("held_on", models.DateField()),
                ("notes", models.TextField(blank=True)),
                (
                    "confidential",
                    models.BooleanField(
                        default=False,
                        help_text="Unpublished information shared in confidence: seen only by attendees, the HMI for the area and the parties.",
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                (
                    "attendees",
                    models.ManyToManyField(
                        blank=True, related_name="meetings_attended", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="meetings_recorded",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("parties", models.ManyToManyField(related_name="meetings", to="contacts.organisation")),
                (
                    "subject",
                    models.ForeignKey(
                        blank=True,
                        help_text="The force or FRS or the OPCC the meeting is about; blank for national meetings.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="meetings_about",
                        to="contacts.organisation",
                    ),
                ),
            ],
            options={
                "ordering": ["-held_on", "-pk"],
                "permissions": [
                    ("view_all_meeting", "View every meeting (HMICFRS)"),
                    ("view_associated_meeting", "View meetings of the organisations the user acts for"),
                ],
            },
        ),
        migrations.CreateModel(
            name="Governance",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "starts_on",
                    models.DateField(
                        blank=True, help_text="Leave blank if from before records began.", null=True
                    ),
                ),
                (
                    "ends_on",
                    models.DateField(
                        blank=True,
                        help_text="The first day it no longer applies. Leave blank if current.",
                        null=True,
                    ),
                ),
                (
                    "model",
                    models.CharField(
                        choices=[
                            ("pcc", "Police and crime commissioner"),
                            ("pfcc", "Police, fire and crime commissioner"),
                            ("mayor", "Mayor (PCC functions)"),
                            ("city_of_london", "City of London Police Authority"),
                            ("fire_authority", "Fire and rescue authority"),
                            ("mayor_fire", "Mayor (fire and rescue authority)"),
                            ("county_council", "County or unitary council"),
                        ],
                        max_length=20,
                        verbose_name="governance model",
                    ),
                ),
                ("source", models.CharField(blank=True, max_length=300)),
                (
                    "area",
                    models.ForeignKey(
                        limit_choices_to={"kind__in": ("police_force", "fire_rescue_service")},
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="governance",
                        to="contacts.organisation",
                    ),
                ),
                (
                    "body",
                    models.ForeignKey(
                        limit_choices_to={"kind": "governing_body"},
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="governs",
                        to="contacts.organisation",
                        verbose_name="governing body",
                    ),
                ),
            ],
            options={
                "verbose_name": "governance",
                "verbose_name_plural": "governance",
                "ordering": ["area__name", "starts_on"],
            },
        ),
        migrations.CreateModel(
            name="ConductMatter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("complaint", "Complaint"),
                            ("conduct", "Conduct matter"),
                            ("dsi", "Death or serious injury matter"),
                        ],
                        max_length=20,
                    ),
                ),
                ("summary", models.TextField()),
                ("logged_at", models.DateTimeField()),
                (
                    "logged_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="conduct_matters_made",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "named_staff",
                    models.ManyToManyField(
                        blank=True, related_name="conduct_matters_named", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "area",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="conduct_matters",
                        to="contacts.organisation",
                    ),
                ),
                (
                    "office",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="conduct_matters_logged",
                        to="contacts.organisation",
                    ),
                ),
            ],
            options={
                "ordering": ["-logged_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="ChiefOfficerRecruitment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "process",
                    models.TextField(help_text="The appointment process: timetable, panel and criteria."),
                ),
                (
                    "asks_panel",
                    models.BooleanField(default=False, verbose_name="asks an HMI to sit on the panel"),
                ),
                (
                    "asks_pre_appointment_advice",
                    models.BooleanField(default=False, verbose_name="asks for advice before appointment"),
                ),
                ("recorded_at", models.DateTimeField(verbose_name="recorded")),
                (
                    "panel_answer",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("will_sit", "The HMI will sit on the appointment panel"),
                            ("will_not_sit", "The HMI will not sit on the appointment panel"),
                        ],
                        max_length=20,
                    ),
                ),
                ("advice", models.TextField(blank=True)),
                ("advised_at", models.DateTimeField(blank=True, null=True, verbose_name="advised")),
                (
                    "advised_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="chief_recruitments_advised",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="chief_recruitments_recorded",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "area",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="chief_recruitments",
                        to="contacts.organisation",
                    ),
                ),
                (
                    "office",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="chief_recruitments_run",
                        to="contacts.organisation",
                    ),
                ),
                (
                    "shortlisted_forces",
                    models.ManyToManyField(
                        blank=True,
                        help_text="The current forces or FRSs of shortlisted applicants, for the HMI's overview.",
                        related_name="+",
                        to="contacts.organisation",
                    ),
                ),
            ],
            options={
                "ordering": ["-recorded_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="Assignment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "starts_on",
                    models.DateField(
                        blank=True, help_text="Leave blank if from before records began.", null=True
                    ),
                ),
                (
                    "ends_on",
                    models.DateField(
                        blank=True,
                        help_text="The first day it no longer applies. Leave blank if current.",
                        null=True,
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("hmi", "HMI for the force or FRS"),
                            ("liaison_lead", "HMICFRS liaison lead for the OPCC"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="assignments",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "subject",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assignments",
                        to="contacts.organisation",
                    ),
                ),
            ],
            options={
                "ordering": ["subject__name", "kind", "starts_on"],
            },
        ),
        migrations.CreateModel(
            name="Appointment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "starts_on",
                    models.DateField(
                        blank=True, help_text="Leave blank if from before records began.", null=True
                    ),
                ),
                (
                    "ends_on",
                    models.DateField(
                        blank=True,
                        help_text="The first day it no longer applies. Leave blank if current.",
                        null=True,
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("hmci", "HM Chief Inspector"),
                            ("hmi", "HM Inspector"),
                            ("coo", "Chief operating officer"),
                            ("chief_of_staff", "Chief of staff"),
                            ("liaison_lead", "Liaison lead"),
                            ("inspection_staff", "Inspection staff"),
                            ("comms_staff", "Communications staff"),
                            ("policing_body", "PCC, PFCC or deputy mayor"),
                            ("opcc_chief_executive", "OPCC chief executive"),
                            ("opcc_staff", "OPCC staff"),
                            ("fire_authority_staff", "Fire and rescue authority staff"),
                            ("chief_officer", "Chief constable or chief fire officer"),
                            ("chief_officer_staff", "Chief officer's office staff"),
                            ("apcc_chair", "APCC chair"),
                            ("apcc_chief_executive", "APCC chief executive"),
                            ("apcc_performance_lead", "APCC performance portfolio lead"),
                            ("apcc_fire_governance_lead", "APCC fire governance portfolio lead"),
                            ("apcc_joint_performance_lead", "APCC joint performance portfolio lead"),
                            ("apcc_staff", "APCC staff"),
                            ("investigating_body_staff", "IOPC or College of Policing staff"),
                        ],
                        max_length=40,
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="appointments",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="appointments",
                        to="contacts.organisation",
                    ),
                ),
            ],
            options={
                "ordering": ["organisation__name", "role", "starts_on"],
            },
        ),
        migrations.CreateModel(
            name="OrganisationGroupObjectPermission",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "content_object",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        to="contacts.organisation",
                        verbose_name="organisation",
                    ),
                ),
                ("group", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="auth.group")),
                (
                    "permission",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="auth.permission"),
                ),
            ],
            options={
                "verbose_name": "organisation permission of a group",
                "verbose_name_plural": "organisation permissions of groups",
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="OrganisationUserObjectPermission",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "content_object",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        to="contacts.organisation",
                        verbose_name="organisation",
                    ),
                ),
                (
                    "permission",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="auth.permission"),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "verbose_name": "organisation permission of a user",
                "verbose_name_plural": "organisation permissions of users",
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="PanelInvitation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("received_on", models.DateField()),
                ("meeting_on", models.DateField(verbose_name="panel meets on")),
                ("purpose", models.TextField(help_text="What the panel asks the HMI to brief it on.")),
                ("recorded_at", models.DateTimeField(verbose_name="recorded")),
                ("representations_due_at", models.DateTimeField(verbose_name="representations due")),
                ("representations_working", models.CharField(blank=True, max_length=300)),
                ("representations", models.TextField(blank=True)),
                (
                    "representations_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="representations made"),
                ),
                (
                    "decision",
                    models.CharField(
                        blank=True,
                        choices=[("accepted", "Accepted"), ("declined", "Declined")],
                        max_length=20,
                    ),
                ),
                ("decision_reasons", models.TextField(blank=True)),
                ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="decided")),
                ("briefing_notes", models.TextField(blank=True)),
                ("briefing_at", models.DateTimeField(blank=True, null=True, verbose_name="briefing written")),
                (
                    "area",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="panel_invitations",
                        to="contacts.organisation",
                    ),
                ),
                (
                    "briefing_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="panel_briefings_written",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="panel_invitations_decided",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "office",
                    models.ForeignKey(
                        help_text="The office of the PCC (or equivalent) asked for representations.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="panel_invitations_asked",
                        to="contacts.organisation",
                    ),
                ),
                (
                    "panel",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="invitations_made",
                        to="contacts.organisation",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="panel_invitations_recorded",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "representations_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="panel_representations_sent",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-recorded_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="PanelBriefingSource",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("document_key", models.CharField(max_length=100, verbose_name="document reference")),
                ("title", models.CharField(max_length=300)),
                ("published_at", models.DateTimeField(verbose_name="published")),
                ("url", models.CharField(blank=True, max_length=300, verbose_name="link")),
                (
                    "invitation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sources",
                        to="contacts.panelinvitation",
                    ),
                ),
            ],
            options={
                "ordering": ["published_at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="SharedFindings",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200)),
                ("findings", models.TextField()),
                ("shared_at", models.DateTimeField(verbose_name="shared")),
                (
                    "area",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="shared_findings",
                        to="contacts.organisation",
                    ),
                ),
                (
                    "named_staff",
                    models.ManyToManyField(
                        blank=True, related_name="shared_findings_named", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "office",
                    models.ForeignKey(
                        help_text="The office of the PCC (or equivalent) they were shared with; it stays confidential to it.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="shared_findings_received",
                        to="contacts.organisation",
                    ),
                ),
                (
                    "shared_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="shared_findings_made",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "shared unpublished findings",
                "verbose_name_plural": "shared unpublished findings",
                "ordering": ["-shared_at", "-pk"],
            },
        ),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.UniqueConstraint(fields=("kind", "slug"), name="organisation_unique_kind_slug"),
        ),
        migrations.AddIndex(
            model_name="meeting",
            index=models.Index(fields=["kind", "subject", "held_on"], name="contacts_me_kind_b1d163_idx"),
        ),
        migrations.AddIndex(
            model_name="meeting",
            index=models.Index(fields=["-held_on", "-id"], name="meetings_newest_first"),
        ),
        migrations.AddConstraint(
            model_name="governance",
            constraint=models.UniqueConstraint(
                fields=("area", "starts_on"), name="governance_unique_area_start"
            ),
        ),
        migrations.AddConstraint(
            model_name="governance",
            constraint=models.UniqueConstraint(
                condition=models.Q(("ends_on__isnull", True)),
                fields=("area",),
                name="governance_one_current_per_area",
            ),
        ),
        migrations.AddConstraint(
            model_name="governance",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("ends_on__isnull", True),
                    ("starts_on__isnull", True),
                    ("ends_on__gt", models.F("starts_on")),
                    _connector="OR",
                ),
                name="governance_ends_after_start",
            ),
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(fields=["subject", "kind"], name="contacts_as_subject_c583a0_idx"),
        ),
        migrations.AddConstraint(
            model_name="assignment",
            constraint=models.UniqueConstraint(
                fields=("person", "kind", "subject", "starts_on"), name="assignment_unique_start"
            ),
        ),
        migrations.AddConstraint(
            model_name="assignment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("ends_on__isnull", True),
                    ("starts_on__isnull", True),
                    ("ends_on__gt", models.F("starts_on")),
                    _connector="OR",
                ),
                name="assignment_ends_after_start",
            ),
        ),
        migrations.AddIndex(
            model_name="appointment",
            index=models.Index(fields=["person", "ends_on"], name="contacts_ap_person__5b0ee6_idx"),
        ),
        migrations.AddConstraint(
            model_name="appointment",
            constraint=models.UniqueConstraint(
                fields=("person", "organisation", "role", "starts_on"), name="appointment_unique_start"
            ),
        ),
        migrations.AddConstraint(
            model_name="appointment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("ends_on__isnull", True),
                    ("starts_on__isnull", True),
                    ("ends_on__gt", models.F("starts_on")),
                    _connector="OR",
                ),
                name="appointment_ends_after_start",
            ),
        ),
        migrations.AlterUniqueTogether(
            name="organisationgroupobjectpermission",
            unique_together={("group", "permission", "content_object")},
        ),
        migrations.AlterUniqueTogether(
            name="organisationuserobjectpermission",
            unique_together={("user", "permission", "content_object")},
        ),
        migrations.AddConstraint(
            model_name="panelinvitation",
            constraint=models.CheckConstraint(
                condition=models.Q(("decision", ""), ("decided_at__isnull", False), _connector="OR"),
                name="panel_decision_has_moment",
            ),
        ),
        migrations.AddConstraint(
            model_name="panelbriefingsource",
            constraint=models.UniqueConstraint(
                fields=("invitation", "document_key"), name="panel_source_once"
            ),
        ),
    ]
