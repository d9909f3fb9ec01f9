/** What a first visit shows: two small workflows with one problem each, so the checks are visible. */
export const starterFiles: Record<string, string> = {
  'data-load.toml': `# One [[phase]] per task; dependsOn: what it runs after.
[[phase]]
task = "data-load:hourly"
rule = "cron=0 5 * * * *"
retry = 3
template = "?day={yyyy}-{mm}-{dd}T{hh}"

[[phase]]
task = "transform"
dependsOn = "data-load:hourly"
retry = 2
template = "s3://bucket/clean/{yyyy}/{mm}/{dd}/{hh}.json"

[[phase]]
task = "report"
dependsOn = "transform"
rule = "require=transform"
template = "s3://bucket/reports/{yyyy}-{mm}-{dd}.csv"

[[phase]]
task = "publish"
dependsOn = "report"
retry = 12 # above the recommended limit of 10: flagged
template = "https://example.com/hook?day={yyyy}-{mm}-{dd}"

[[phase]]
task = "archive"
dependsOn = "backup" # no task "backup" in this file: flagged
template = "s3://bucket/archive/{yyyy}/{mm}"
`,
  'nightly.toml': `[[phase]]
task = "ingest:nightly"
rule = "files=s3://bucket/drop/*.csv"
template = "{SRC_FILE}"

[[phase]]
task = "validate"
dependsOn = "ingest"
template = "{SRC_FILE}"

[[phase]]
task = "load"
dependsOn = "validate"
retry = 1
template = "?table=events"
`,
};
