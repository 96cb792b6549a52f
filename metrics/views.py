from django.shortcuts import render
from django.utils.translation import gettext as _

from metrics.access import metrics_required


@metrics_required
def dashboard(request):
    return render(
        request, "placeholder.html", {"title": _("Activity metrics"), "section": "metrics"}
    )
