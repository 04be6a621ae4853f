module github.com/mimcm/terraform-provider-mimcm

go 1.26
