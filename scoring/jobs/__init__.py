"""Work the worker (`manage.py db_worker`) does for a page: workbook imports (`staging` keeps an upload for its
confirmation, `imports` runs the confirmed one), exports (`exports`: a file built whole or not at all), and
`pruning` of old jobs and their files. Which import or export a wing runs is the wing's: this is the
machinery they share."""
