package main

import (
	"context"
	"flag"
	"log"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/mimcm/terraform-provider-mimcm/internal/provider"
)

// version is set by the release build (goreleaser) through -ldflags.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	if !debug {
		quietWhenTerraformDiscardsLogs()
	}
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         "registry.terraform.io/mimcm/mimcm",
		Debug:           debug,
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}

// pluginLogLevels are the variables that set the plugin's log levels: the
// SDK's, its protocol and framework subsystems', and this provider's own.
var pluginLogLevels = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_MIMCM"}

// quietWhenTerraformDiscardsLogs turns the plugin's logging off when
// Terraform throws it away. terraform-plugin-go logs everything at TRACE,
// as JSON on stderr, unless these variables say otherwise, and Terraform
// parses every line before dropping it when neither TF_LOG nor
// TF_LOG_PROVIDER asks for them (the plugin runs with Terraform's
// environment). That was half the time of a 500-resource plan
// (BENCHMARKS.md). A level the user set is left alone, and so is
// everything when Terraform keeps the provider's logs.
func quietWhenTerraformDiscardsLogs() {
	// Terraform's own rule: TF_LOG_PROVIDER if set, else TF_LOG; empty or
	// OFF keeps nothing.
	level := os.Getenv("TF_LOG_PROVIDER")
	if level == "" {
		level = os.Getenv("TF_LOG")
	}
	if level != "" && !strings.EqualFold(level, "off") {
		return
	}
	for _, name := range pluginLogLevels {
		if _, set := os.LookupEnv(name); !set {
			os.Setenv(name, "off") //nolint:errcheck,gosec // only fails for invalid names
		}
	}
}
