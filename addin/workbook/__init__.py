"""Building the workbook: the builder, the cell model, and one module per sheet."""
