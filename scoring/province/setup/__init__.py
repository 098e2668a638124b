"""The province's set-up: the overview of every bloc's years, opening a year, rubrics copied or begun."""
