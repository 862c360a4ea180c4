# Mini-XDR agent installer for Windows (a service). Token label: {{label}}
# Run in an elevated PowerShell. With -NoService the agent is enrolled and then runs in the
# foreground.
param([switch]$NoService)
$ErrorActionPreference = 'Stop'
$Server = {{server}}
$Token = {{token}}
$AgentFile = {{file}}
$AgentSha256 = {{sha256}}
if ($AgentFile -eq '') {
  throw 'this server offers no Windows agent download; ask its operator to set downloads.directory'
}
$Dir = Join-Path $env:ProgramFiles 'Mini-XDR Agent'
$StateDir = Join-Path $env:ProgramData 'mini-xdr-agent'
$Bin = Join-Path $Dir 'mini-xdr-agent.exe'
New-Item -ItemType Directory -Force -Path $Dir, $StateDir | Out-Null
$Tmp = New-TemporaryFile
Invoke-WebRequest -UseBasicParsing -Uri "$Server/downloads/$AgentFile" -OutFile $Tmp
if ((Get-FileHash -Algorithm SHA256 $Tmp).Hash.ToLower() -ne $AgentSha256) {
  Remove-Item $Tmp
  throw 'the downloaded agent does not match its SHA-256; nothing was installed'
}
Move-Item -Force $Tmp $Bin
if (-not (Test-Path (Join-Path $StateDir 'agent.json'))) {
  $env:MINI_XDR_ENROLLMENT_TOKEN = $Token
  & $Bin enroll --server $Server --state-dir $StateDir
  Remove-Item Env:MINI_XDR_ENROLLMENT_TOKEN
  if ($LASTEXITCODE -ne 0) { throw "enrollment failed ($LASTEXITCODE)" }
}
if ($NoService) {
  & $Bin run --state-dir $StateDir
  exit $LASTEXITCODE
}
$Command = '"{0}" run --state-dir "{1}"' -f $Bin, $StateDir
New-Service -Name 'mini-xdr-agent' -DisplayName 'Mini-XDR agent' -BinaryPathName $Command -StartupType Automatic | Out-Null
Start-Service 'mini-xdr-agent'
Write-Output 'mini-xdr-agent installed and running (Get-Service mini-xdr-agent)'
