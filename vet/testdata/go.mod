module vettest

go 1.26.0
