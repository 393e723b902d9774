"""The shared kernel of the services: who is acting (`viewer`), refusals (`errors`, `access`), the audit
trail (`audit`) and the viewer's scope of rows (`scope`). Every feature package may import these modules;
they import no feature package."""
