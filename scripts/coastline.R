#!/usr/bin/env Rscript
# Builds assets/coastline/ne_50m_coastline.bin, the coastline that the network map
# (src/report/plots.rs) draws, from Natural Earth's 1:50m coastline (public domain,
# naturalearthdata.com) as packaged in the R package rnaturalearthdata 0.1.0.
#
# It was produced once, on Debian 12, with
#   apt-get install r-base-core r-cran-sp r-cran-rnaturalearthdata
#   Rscript scripts/coastline.R assets/coastline/ne_50m_coastline.bin
# (or `apt-get download r-cran-rnaturalearthdata && dpkg -x` it, and set R_LIBS to
# its usr/lib/R/site-library). It is not run by the build: the output is committed.
#
# What it does:
#  1. joins the coastline's lines that share an end point (Natural Earth splits the
#     Americas and some Arctic islands into several lines);
#  2. rounds coordinates to 0.01° and drops points within 0.01° of the line through
#     their neighbours (Douglas–Peucker), and rings that shrink to nothing;
#  3. writes the rings in a compact binary form (below).
#
# Format (all integers LEB128 varints; "signed" ones zigzag-encoded first):
#   magic      8 bytes  "TSCOAST1"
#   units      varint   units per degree (100)
#   count      varint   number of lines
#   per line:  kind     varint  1 = closed ring (the last point joins the first),
#                               2 = closed along the ±180° meridian (Eurasia, Chukotka,
#                                   Fiji: fill as a ring, draw no coast on the seam),
#                               3 = water inside land (the Caspian Sea: fill with
#                                   the sea's colour, after the land around it),
#                               0 = open line (Antarctica: draw, do not fill)
#              n        varint  number of points
#              points   n × (lon, lat) signed, the first absolute, the rest as
#                       differences from the previous point, in units.

args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) >= 1) args[1] else "assets/coastline/ne_50m_coastline.bin"
suppressMessages(library(sp))
data(coastline50, package = "rnaturalearthdata")

lines <- list()
for (L in coastline50@lines) for (l in L@Lines) lines[[length(lines) + 1]] <- l@coords

# 1. Join lines end to start (or end to end, one reversed).
same <- function(p, q) all(abs(p - q) < 1e-9)
repeat {
  joined <- FALSE
  for (i in seq_along(lines)) {
    a <- lines[[i]]
    if (is.null(a) || same(a[1, ], a[nrow(a), ])) next
    for (j in seq_along(lines)) {
      b <- lines[[j]]
      if (j == i || is.null(b) || same(b[1, ], b[nrow(b), ])) next
      if (same(a[nrow(a), ], b[nrow(b), ])) b <- b[nrow(b):1, , drop = FALSE]
      if (same(a[nrow(a), ], b[1, ])) {
        lines[[i]] <- rbind(a, b[-1, , drop = FALSE])
        lines[j] <- list(NULL)
        joined <- TRUE
        break
      }
    }
    if (joined) break
  }
  if (!joined) break
}
lines <- Filter(Negate(is.null), lines)

# 2. Douglas–Peucker on the rounded points, with an explicit stack.
simplify <- function(p, tol) {
  n <- nrow(p)
  if (n < 3) return(p)
  keep <- logical(n)
  keep[c(1, n)] <- TRUE
  stack <- list(c(1, n))
  while (length(stack) > 0) {
    s <- stack[[length(stack)]]
    stack[[length(stack)]] <- NULL
    i <- s[1]; j <- s[2]
    if (j - i < 2) next
    k <- (i + 1):(j - 1)
    d <- p[j, ] - p[i, ]
    len <- sqrt(sum(d^2))
    dist <- if (len == 0) {
      sqrt((p[k, 1] - p[i, 1])^2 + (p[k, 2] - p[i, 2])^2)
    } else {
      abs(d[1] * (p[k, 2] - p[i, 2]) - d[2] * (p[k, 1] - p[i, 1])) / len
    }
    m <- which.max(dist)
    if (dist[m] > tol) {
      keep[k[m]] <- TRUE
      stack[[length(stack) + 1]] <- c(i, k[m])
      stack[[length(stack) + 1]] <- c(k[m], j)
    }
  }
  p[keep, , drop = FALSE]
}

units <- 100
rings <- list()
for (p in lines) {
  # A line whose ends are within 0.05° (one island near Korea) is a ring too.
  if (!same(p[1, ], p[nrow(p), ]) && sqrt(sum((p[1, ] - p[nrow(p), ])^2)) < 0.05) {
    p <- rbind(p, p[1, ])
  }
  closed <- same(p[1, ], p[nrow(p), ])
  seam <- all(abs(abs(p[c(1, nrow(p)), 1]) - 180) < 1e-3) && !closed
  q <- round(p * units)
  q <- q[c(TRUE, rowSums(abs(diff(q))) > 0), , drop = FALSE]
  if (closed) {
    # Split the ring at its farthest point so that Douglas–Peucker keeps its shape.
    far <- which.max((q[, 1] - q[1, 1])^2 + (q[, 2] - q[1, 2])^2)
    q <- rbind(simplify(q[1:far, , drop = FALSE], 1),
               simplify(q[far:nrow(q), , drop = FALSE], 1)[-1, , drop = FALSE])
    q <- q[-nrow(q), , drop = FALSE] # the last point repeats the first
    if (nrow(q) < 3) next
  } else {
    q <- simplify(q, 1)
  }
  kind <- if (closed) 1 else if (seam && max(abs(q[, 2])) < 8500) 2 else 0
  if (kind == 0) cat("open line:", nrow(q), "points,", q[1, ] / units, "to", q[nrow(q), ] / units, "\n")
  rings[[length(rings) + 1]] <- list(kind = kind, p = q)
}

# Nesting: a ring inside an odd number of others is water (the Caspian Sea), its
# islands inside it land again; the file lists the outer rings first.
inside <- function(pt, q) {
  x <- q[, 1]; y <- q[, 2]
  x2 <- c(x[-1], x[1]); y2 <- c(y[-1], y[1])
  hit <- (y > pt[2]) != (y2 > pt[2])
  xs <- x + (pt[2] - y) * (x2 - x) / (y2 - y)
  sum(hit & pt[1] < xs) %% 2 == 1
}
box <- lapply(rings, function(r) apply(r$p, 2, range))
depth <- vapply(seq_along(rings), function(i) {
  if (rings[[i]]$kind == 0) return(0)
  sum(vapply(seq_along(rings), function(j) {
    if (j == i || rings[[j]]$kind == 0) return(FALSE)
    a <- box[[i]]; b <- box[[j]]
    if (a[1, 1] < b[1, 1] || a[2, 1] > b[2, 1] || a[1, 2] < b[1, 2] || a[2, 2] > b[2, 2]) {
      return(FALSE)
    }
    inside(rings[[i]]$p[1, ] + 0.25, rings[[j]]$p)
  }, FALSE))
}, 0)
for (i in which(depth %% 2 == 1)) {
  rings[[i]]$kind <- 3
  cat("water:", nrow(rings[[i]]$p), "points around", colMeans(rings[[i]]$p) / units, "\n")
}
rings <- rings[order(depth)]

# 3. Write.
varint <- function(x) {
  x <- as.numeric(x)
  out <- raw(0)
  repeat {
    b <- x %% 128
    x <- x %/% 128
    if (x > 0) {
      out <- c(out, as.raw(b + 128))
    } else {
      return(c(out, as.raw(b)))
    }
  }
}
zigzag <- function(v) ifelse(v >= 0, 2 * v, -2 * v - 1)
con <- file(out, "wb")
writeBin(charToRaw("TSCOAST1"), con)
writeBin(c(varint(units), varint(length(rings))), con)
for (r in rings) {
  p <- r$p
  d <- rbind(p[1, ], diff(p))
  body <- unlist(lapply(zigzag(as.vector(t(d))), varint))
  writeBin(c(varint(r$kind), varint(nrow(p)), body), con)
}
close(con)
n <- sum(vapply(rings, function(r) nrow(r$p), 0))
cat(sprintf("%s: %d lines, %d points, %d bytes\n", out, length(rings), n, file.size(out)))
cat("kinds:", table(vapply(rings, function(r) r$kind, 0)), "\n")
