"""Statistics (issue 7): closure and acceptance figures against the plan's targets, drill-down, charts, exports."""
