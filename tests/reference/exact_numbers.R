# Helpers shared by the reference scripts that hold Stratify to the last bits (source()d from the repository root).
#
# exact(x): jsonlite writes at most 15 significant digits; this marks every double of a (nested) list to go out with
# the shortest of 15 or 17 digits that reads back exactly (R's NA, NaN and Inf as null). A length-1 vector becomes a
# scalar unless wrapped in I(). Write with toJSON(..., json_verbatim = TRUE).
exact <- function(x) {
  if (is.list(x)) { y <- lapply(x, exact); attributes(y) <- attributes(x); return(y) }
  if (!is.double(x)) return(x)
  short <- suppressWarnings(as.numeric(sprintf("%.15g", x)))
  text <- ifelse(!is.finite(x), "null", ifelse(!is.na(short) & short == x, sprintf("%.15g", x), sprintf("%.17g", x)))
  if (length(x) == 1 && !inherits(x, "AsIs")) return(structure(text, class = "json"))
  structure(paste0("[", paste(text, collapse = ", "), "]"), class = "json")
}

# write_exact(df, file): a data set written with 17 significant digits, read back and checked to hold the same doubles;
# returns what was read back (what R then fits, as the tests do).
write_exact <- function(df, file) {
  text <- df
  for (v in names(df)) if (is.double(df[[v]])) text[[v]] <- ifelse(is.na(df[[v]]), NA, sprintf("%.17g", df[[v]]))
  write.csv(text, file, row.names = FALSE, quote = FALSE, na = "")
  back <- read.csv(file, stringsAsFactors = FALSE)
  for (v in names(df)) if (is.double(df[[v]])) stopifnot(isTRUE(all.equal(back[[v]], df[[v]], tolerance = 0)))
  back
}
