# Shared by the labs' R cross-checks: collects (table, row, column, value) and writes them as JSON with 17
# significant digits beside the script. The lab tests (tests/Stratify.Tests/Notebooks) run each lab, find the table
# cell by its title, row label and column header, and require the printed number to equal R's value to every digit
# printed (within half a unit in the last printed place).
suppressMessages(library(jsonlite))
checks <- list()
check <- function(table, row, column, value) {
  checks[[length(checks) + 1]] <<- list(table = table, row = row, column = column, value = unname(as.numeric(value)))
}
write_checks <- function(lab) {
  path <- file.path("notebooks", "r", paste0(lab, ".json"))
  writeLines(toJSON(list(lab = lab, checks = checks), auto_unbox = TRUE, digits = NA, pretty = TRUE), path)
  cat("wrote", length(checks), "checks to", path, "\n")
}
