"""The form-page pattern every app uses: show the form, call the service, put its refusal on the form.

A service refuses by raising ValidationError and has then changed nothing, so
the page shows the same form with the service's message on the field it names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms import Form
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from hmicfrs_mou.forms import add_service_errors
from hmicfrs_mou.ratelimit import check_form_rate


def posted(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST (even an empty one, so the form is bound and checked), else None."""
    return request.POST if request.method == "POST" else None


def form_page(
    request: HttpRequest,
    *,
    form: Form,
    template: str,
    context: dict[str, Any],
    perform: Callable[[dict[str, Any]], object],
    done: str | Callable[[Any], str],
    then: str | Callable[[Any], str],
    instance: Model | None = None,
) -> HttpResponse:
    """GET shows the form; a valid POST calls the service, then redirects to `then` with `done` as a message.

    `done` and `then` may be functions of what the service returned (its words; the new record's page).
    On a refusal the service has changed nothing in the database; `instance` is
    reloaded so the page does not show values the service set before refusing.
    """
    if request.method == "POST" and form.is_valid():
        try:
            check_form_rate(request.user)  # forms send notices: a per-person limit (hmicfrs_mou/ratelimit.py)
            result = perform(form.cleaned_data)
        except ValidationError as error:
            if instance is not None:
                instance.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(request, done(result) if callable(done) else done)
            return redirect(then(result) if callable(then) else then)
    return render(request, template, {"form": form, **context})
