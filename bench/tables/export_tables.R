#!/usr/bin/Rscript
# Writes the benchmark tables of bench/tables/ as CSV from Debian's R packages:
#   apt-get install -y r-cran-mlbench r-cran-modeldata
#   Rscript bench/tables/export_tables.R      (from the repository root)
# Missing cells are written empty; rows whose target is missing are left out; letter is
# subsampled to 10,000 rows with set.seed(1) to keep the file and the run small.
suppressPackageStartupMessages({ library(mlbench); library(modeldata) })
out <- "bench/tables/data"
put <- function(df, name) {
  write.csv(df, file.path(out, paste0(name, ".csv")), row.names = FALSE, na = "")
  cat(name, nrow(df), "x", ncol(df), "\n")
}
data(BreastCancer); put(BreastCancer, "breast-cancer")
data(PimaIndiansDiabetes2); put(PimaIndiansDiabetes2, "pima-diabetes")
data(Glass); put(Glass, "glass")
data(Vehicle); put(Vehicle, "vehicle")
data(Sonar); put(Sonar, "sonar")
data(Servo); put(Servo, "servo")
data(Ionosphere); put(Ionosphere, "ionosphere")
data(Ozone); oz <- Ozone[!is.na(Ozone$V4), ]
names(oz) <- c("month", "day_of_month", "day_of_week", "ozone", "pressure_500mb", "wind_lax", "humidity_lax", "temp_sandburg", "temp_el_monte", "inversion_base_height", "pressure_gradient", "inversion_base_temp", "visibility")
put(oz, "ozone")
data(LetterRecognition); set.seed(1); put(LetterRecognition[sort(sample(nrow(LetterRecognition), 10000)), ], "letter")
data(ames); put(as.data.frame(ames), "ames")
data(attrition); put(attrition, "attrition")
data(meats); put(meats[, c(paste0("x_", sprintf("%03d", 1:100)), "fat")], "meats")
data(credit_data); cr <- credit_data[!is.na(credit_data$Status), ]; put(cr, "credit")
