"""The province's desk: every bloc of a year, the reports received, the province's table as jobs."""
