"""The county's organisations: North Ostrobothnia's PALO2 model (seed 000) – the
wellbeing services county's health and social services centre, its working-age
coordination hub and adult social work, the employment area of the TE24 reform (the
municipalities' employment services), a local-government pilot, Kela, TYP, an NGO and an
educational institution – plus the IPS job coaching team and two employers."""

from coordination.models import Organization

Kind = Organization.Kind

HUB = "Pohjois-Pohjanmaan hyvinvointialue, työikäisten koordinaatio"
HEALTH_CENTRE = "Oulun sote-keskus Tuira"
EMPLOYMENT_AREA = "Oulun seudun työllisyysalue"
KELA = "Kela, Oulun palvelupiste"
SOCIAL_WORK = "Pohjois-Pohjanmaan hyvinvointialue, työikäisten sosiaalityö"
NGO = "Oulun seudun mielenterveysyhdistys ry"
IPS_TEAM = "Pohjois-Pohjanmaan hyvinvointialue, IPS-työhönvalmennus"
MARKET_HALL = "Oulun Kauppahalli Oy"
SERVICE_HOME = "Tuiran palvelutalo"

ORGANIZATIONS = [
    # name, kind, municipality (Statistics Finland's code: 564 Oulu, 678 Raahe), is_hub
    (HUB, Kind.SOCIAL_SERVICES, "564", True),
    (HEALTH_CENTRE, Kind.HEALTH_CENTRE, "564", False),
    (EMPLOYMENT_AREA, Kind.TE_OFFICE, "564", False),
    ("Raahen seudun työllisyyspalvelut", Kind.MUNICIPAL_EMPLOYMENT, "678", False),
    (KELA, Kind.KELA, "564", False),
    ("TYP Oulu", Kind.TYP, "564", False),
    (SOCIAL_WORK, Kind.SOCIAL_SERVICES, "564", False),
    (NGO, Kind.NGO, "564", False),
    ("Oulun seudun ammattiopisto", Kind.EDUCATION, "564", False),
    (IPS_TEAM, Kind.SOCIAL_SERVICES, "564", False),
    (MARKET_HALL, Kind.EMPLOYER, "564", False),
    (SERVICE_HOME, Kind.EMPLOYER, "564", False),
]


def seed_organisations() -> tuple[dict[str, Organization], int]:
    """Every organisation by name, and how many were new."""
    organisations, created = {}, 0
    for name, kind, municipality, is_hub in ORGANIZATIONS:
        organisation, new = Organization.objects.get_or_create(
            name=name, defaults={"kind": kind, "municipality": municipality, "is_hub": is_hub}
        )
        organisations[name] = organisation
        created += new
    return organisations, created
