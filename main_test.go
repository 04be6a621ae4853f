package main

import (
	"os"
	"testing"
)

func TestQuietWhenTerraformDiscardsLogs(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string // unset when missing
		want map[string]string // "" for unset
	}{
		{"no logging asked for", nil, map[string]string{
			"TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "off", "TF_LOG_SDK_FRAMEWORK": "off", "TF_LOG_PROVIDER_MIMCM": "off",
		}},
		{"TF_LOG=OFF", map[string]string{"TF_LOG": "OFF"}, map[string]string{
			"TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "off", "TF_LOG_SDK_FRAMEWORK": "off", "TF_LOG_PROVIDER_MIMCM": "off",
		}},
		{"a level set by the user stays", map[string]string{"TF_LOG_SDK_PROTO": "trace"}, map[string]string{
			"TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "trace", "TF_LOG_SDK_FRAMEWORK": "off", "TF_LOG_PROVIDER_MIMCM": "off",
		}},
		{"TF_LOG keeps everything", map[string]string{"TF_LOG": "TRACE"}, map[string]string{
			"TF_LOG_SDK": "", "TF_LOG_SDK_PROTO": "", "TF_LOG_SDK_FRAMEWORK": "", "TF_LOG_PROVIDER_MIMCM": "",
		}},
		{"TF_LOG_PROVIDER keeps everything", map[string]string{"TF_LOG_PROVIDER": "debug"}, map[string]string{
			"TF_LOG_SDK": "", "TF_LOG_SDK_PROTO": "", "TF_LOG_SDK_FRAMEWORK": "", "TF_LOG_PROVIDER_MIMCM": "",
		}},
		{"TF_LOG_PROVIDER=off wins over TF_LOG", map[string]string{"TF_LOG": "trace", "TF_LOG_PROVIDER": "off"}, map[string]string{
			"TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "off", "TF_LOG_SDK_FRAMEWORK": "off", "TF_LOG_PROVIDER_MIMCM": "off",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, name := range append([]string{"TF_LOG", "TF_LOG_PROVIDER"}, pluginLogLevels...) {
				if v, ok := tc.env[name]; ok {
					t.Setenv(name, v)
					continue
				}
				t.Setenv(name, "") // restored after the test
				os.Unsetenv(name)
			}
			quiet := quietWhenTerraformDiscardsLogs()
			if want := tc.want["TF_LOG_SDK"] == "off"; quiet != want {
				t.Errorf("quietWhenTerraformDiscardsLogs() = %v, want %v", quiet, want)
			}
			for name, want := range tc.want {
				if got := os.Getenv(name); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
		})
	}
}
