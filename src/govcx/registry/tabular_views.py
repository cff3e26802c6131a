"""Import and export of service passports (being written)."""

from django.http import HttpResponse


def service_export(request, fmt):
    return HttpResponse(status=501)


def service_import(request):
    return HttpResponse(status=501)
