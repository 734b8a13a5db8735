#!/usr/bin/env Rscript
# Three research questions answered through the knowledge base's GraphQL API,
# from R with only jsonlite (queries go as GET requests, so base R's url()
# is enough).
#
#   Rscript examples/research.R [http://127.0.0.1:8000] [2008-09-01]
#
# 1. The NATO-Russia Council's history, each period with its sources.
# 2. Every relation of Georgia whose status changed in August 2008.
# 3. The shortest chain of relations from NATO to Abkhazia on a day.

library(jsonlite)

args <- commandArgs(trailingOnly = TRUE)
base <- if (length(args) >= 1) sub("/$", "", args[[1]]) else "http://127.0.0.1:8000"
day <- if (length(args) >= 2) args[[2]] else "2008-09-01"

graphql <- function(query, variables = list()) {
  address <- paste0(base, "/graphql?query=", URLencode(query, reserved = TRUE))
  if (length(variables) > 0) {
    json <- as.character(toJSON(variables, auto_unbox = TRUE))
    address <- paste0(address, "&variables=", URLencode(json, reserved = TRUE))
  }
  connection <- url(address, headers = c(Accept = "application/json"))
  on.exit(close(connection))
  answer <- fromJSON(paste(readLines(connection, warn = FALSE, encoding = "UTF-8"), collapse = "\n"),
                     simplifyVector = FALSE)
  if (!is.null(answer$errors)) {
    for (e in answer$errors) message("API error ", e$extensions$code, ": ", e$message)
    quit(status = 1)
  }
  answer$data
}

edtf <- function(d, missing) if (is.null(d)) missing else d$edtf

cat("1. The NATO-Russia Council, period by period, with its sources\n")
council <- graphql('
  query Council {
    relations(between: ["nato", "russia"], type: "council", first: 5) {
      edges { node { label history(first: 50) {
        status from { edtf } to { edtf }
        citations(first: 10) { quote article { title publisher publishedAt } }
      } } }
    }
  }')
for (edge in council$relations$edges) {
  cat(sprintf("   %s\n", edge$node$label))
  for (p in edge$node$history) {
    cat(sprintf("   - %-9s %s .. %s\n", p$status, edtf(p$from, "unknown start"), edtf(p$to, "open")))
    for (c in p$citations) {
      cat(sprintf("       \"%s\"\n         %s, %s, %s\n", c$quote, c$article$publisher, c$article$title,
                  substr(c$article$publishedAt, 1, 10)))
    }
  }
}

cat("\n2. Relations of Georgia whose status changed in August 2008\n")
georgia <- graphql('
  query Georgia($from: Date!, $to: Date!) {
    entity(slug: "georgia") {
      timeline(from: $from, to: $to, first: 100) {
        kind date { edtf earliest latest } title
        relation { source { name } target { name } }
      }
    }
  }', list(from = "2008-08-01", to = "2008-08-31"))
# Each article's account of a change is its own period, so one change told
# by several articles appears once per account: count them.
lines <- character(0)
accounts <- integer(0)
for (e in georgia$entity$timeline) {
  if (e$kind != "STATUS_CHANGE") next
  when <- e$date$edtf
  if (e$date$earliest != e$date$latest) when <- sprintf("%s (some day %s..%s)", when, e$date$earliest, e$date$latest)
  line <- sprintf("%s: %s  [%s -> %s", when, e$title, e$relation$source$name, e$relation$target$name)
  if (line %in% lines) {
    accounts[match(line, lines)] <- accounts[match(line, lines)] + 1L
  } else {
    lines <- c(lines, line)
    accounts <- c(accounts, 1L)
  }
}
if (length(lines) == 0) cat("   (none recorded)\n")
for (i in seq_along(lines)) {
  cat(sprintf("   - %s%s]\n", lines[[i]], if (accounts[[i]] > 1) sprintf(", %d accounts", accounts[[i]]) else ""))
}

cat(sprintf("\n3. The shortest chain from NATO to Abkhazia on %s\n", day))
chain <- graphql('
  query Chain($day: Date!) {
    path(from: "nato", to: "abkhazia", asOf: $day, maxDepth: 4) {
      label type source { slug name } target { slug name } statusOn(asOf: $day) { status certain }
    }
  }', list(day = day))
if (is.null(chain$path)) {
  cat("   (no chain of at most 4 relations holds that day)\n")
} else {
  here <- "nato"
  for (i in seq_along(chain$path)) {
    step <- chain$path[[i]]
    ends <- if (step$source$slug == here) list(step$source, step$target) else list(step$target, step$source)
    status <- if (is.null(step$statusOn)) "no status" else
      paste0(step$statusOn$status, if (isTRUE(step$statusOn$certain)) "" else ", not certain")
    cat(sprintf("   %d. %s -- %s (%s, %s) -- %s\n", i, ends[[1]]$name, step$label, step$type, status, ends[[2]]$name))
    here <- ends[[2]]$slug
  }
}
