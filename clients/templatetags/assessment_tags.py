"""The work-ability domains for templates: `{% assessment_domains assessments as table %}`
reads the assessments the page has already loaded (no query of its own)."""

from django import template

from clients.assessments import domain_table

register = template.Library()


@register.simple_tag
def assessment_domains(assessments, limit=6):
    return domain_table(list(assessments), limit=limit)
