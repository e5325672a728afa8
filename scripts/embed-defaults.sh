#!/usr/bin/env bash
# Regenerates Sources/Engine/Config/BuiltinDefaults.swift from metrics/defaults/defaults.yaml.
# Run it after editing the defaults; a test fails while the two differ.
set -euo pipefail
cd "$(dirname "$0")/.."
{
  echo '/// The built-in defaults: every key the engine knows, with its default value. It is the same text'
  echo '/// as `metrics/defaults/defaults.yaml` (a test keeps the two identical), so a metrics folder that'
  echo '/// brings its own or an older defaults file still gets every key.'
  echo 'enum BuiltinDefaults {'
  echo '    static let path = "defaults/defaults.yaml"'
  echo ''
  echo '    /// The parsed defaults, the fallback of every typed key (`BatchConfig[key]`). The text is the'
  echo "    /// engine's own and a test parses it, so failing here is a build defect, not an input error."
  echo '    static let values: [String: ConfigValue] = {'
  echo '        do {'
  echo '            return try ConfigDocument(path: "(built-in defaults)", text: yaml).values'
  echo '        } catch {'
  echo '            preconditionFailure("the built-in defaults do not parse: \(error)")'
  echo '        }'
  echo '    }()'
  echo ''
  echo '    static let yaml = #"""'
  cat metrics/defaults/defaults.yaml
  echo '"""#'
  echo '}'
} > Sources/Engine/Config/BuiltinDefaults.swift
