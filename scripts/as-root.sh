# Sourced first by the entry scripts: re-runs the calling script as root when it is not already root
# (the netns backend creates network namespaces and loads eBPF), through sudo where sudo exists.
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    exec sudo --preserve-env=PATH,DOTNET_ROOT,CI "$PWD/scripts/$(basename "$0")" "$@"
  fi
  echo "$(basename "$0"): run as root (the netns backend creates network namespaces and loads eBPF); sudo is not installed" >&2
  exit 1
fi
