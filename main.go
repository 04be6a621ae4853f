package main

import (
	"flag"
	"log"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/mimcm/terraform-provider-mimcm/internal/provider"
)

// version is set by the release build (goreleaser) through -ldflags.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	// What providerserver.Serve does for protocol 6, with the provider's
	// server (provider.NewProtocol6) wrapped when nobody keeps the logs
	// (serve.go says why).
	quiet := !debug && quietWhenTerraformDiscardsLogs()
	if !debug {
		go exitWhenOrphaned(os.Getppid(), orphanCheckInterval, os.Getppid, exitOrphan)
	}
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err := tf6server.Serve("registry.terraform.io/mimcm/mimcm", func() tfprotov6.ProviderServer {
		server := provider.NewProtocol6(version)()
		if quiet {
			return contextDetachingServer{server}
		}
		return server
	}, opts...)
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
// everything when Terraform keeps the provider's logs. It reports whether
// Terraform discards them.
func quietWhenTerraformDiscardsLogs() bool {
	// Terraform's own rule: TF_LOG_PROVIDER if set, else TF_LOG; empty or
	// OFF keeps nothing.
	level := os.Getenv("TF_LOG_PROVIDER")
	if level == "" {
		level = os.Getenv("TF_LOG")
	}
	if level != "" && !strings.EqualFold(level, "off") {
		return false
	}
	for _, name := range pluginLogLevels {
		if _, set := os.LookupEnv(name); !set {
			os.Setenv(name, "off") //nolint:errcheck,gosec // only fails for invalid names
		}
	}
	return true
}
