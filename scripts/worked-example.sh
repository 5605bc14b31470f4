#!/usr/bin/env bash
# Issue 3's worked example: a community of five, an amendment, votes, the close
# and the ratified charter — five data directories, bundles carried by hand,
# no network. Run: npx -y pnpm@10 example
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
export POLITY_PASSPHRASE='worked example passphrase'
p() { node apps/peer/bin/polity.mjs --kdf-log-n 12 --data-dir "$tmp/$1" "${@:2}"; }
say() { printf '\n\033[1m%s\033[0m\n' "$*"; }

say "1. Five people create identities"
for who in ana ben cai dee eve; do p $who identity create --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log("  '$who':",JSON.parse(s).did))'; done

say "2. Ana founds 'Harbor Commons' with a charter (amendments may close at once: --rule charter.days=0)"
printf '# Harbor Commons\n\nArticle 1. Members decide together.\nArticle 2. Dues are voluntary.\n' > "$tmp/charter.md"
community=$(p ana --json community create --name "Harbor Commons" --purpose "A shared harbor" --charter-file "$tmp/charter.md" --founder-name Ana --rule charter.days=0 | node -pe 'JSON.parse(require("fs").readFileSync(0)).community')
echo "  community $community"

say "3. Ana invites four members; each joins from a bundle file (sneakernet)"
for who in ben cai dee eve; do
  link=$(p ana --json invite create "$community" | node -pe 'JSON.parse(require("fs").readFileSync(0)).link')
  p $who invite accept "$link" --name "${who^}" > /dev/null
  p ana bundle export "$community" "$tmp/ana.bundle" > /dev/null
  p $who bundle import "$tmp/ana.bundle" > /dev/null
  p $who bundle export "$community" "$tmp/$who.bundle" > /dev/null
  p ana bundle import "$tmp/$who.bundle" > /dev/null
done
p ana community show "$community" | sed -n '1,12p'

say "4. Ben proposes an amendment (yes/no at the rules' floor: quorum 1/2, more yes than 1/2 of those who do not abstain)"
for who in ben cai dee eve; do p ana bundle export "$community" "$tmp/ana.bundle" >/dev/null; p $who bundle import "$tmp/ana.bundle" >/dev/null; done
printf '# Harbor Commons\n\nArticle 1. Members decide together.\nArticle 2. Dues are 5 coins a month.\nArticle 3. The harbor is open to all.\n' > "$tmp/amended.md"
proposal=$(p ben --json proposal create "$community" --title "Set dues, open the harbor" --kind amend --charter-file "$tmp/amended.md" --quorum 1/2 --threshold 1/2 --deadline-hours 0 | node -pe 'JSON.parse(require("fs").readFileSync(0)).proposal')
echo "  proposal $proposal"

say "5. Votes: Ana yes, Ben yes, Cai yes, Dee no, Eve abstains — each on their own device"
p ben bundle export "$community" "$tmp/ben.bundle" > /dev/null
for who in ana cai dee eve; do p $who bundle import "$tmp/ben.bundle" > /dev/null; done
p ana vote "$community" "$proposal" yes; p ben vote "$community" "$proposal" yes; p cai vote "$community" "$proposal" yes
p dee vote "$community" "$proposal" no; p eve vote "$community" "$proposal" abstain
for who in ben cai dee eve; do p $who bundle export "$community" "$tmp/$who.bundle" > /dev/null; p ana bundle import "$tmp/$who.bundle" > /dev/null; done

say "6. Ana closes the proposal; the outcome is computed from the votes in the close's causal past"
p ana close "$community" "$proposal"

say "7. The ratified charter, and the diff from the founding version"
p ana charter versions "$community"
p ana charter diff "$community" 0 1

say "8. Everyone else receives the close and computes the same outcome"
p ana bundle export "$community" "$tmp/ana.bundle" > /dev/null
for who in ben cai dee eve; do p $who bundle import "$tmp/ana.bundle" > /dev/null; done
for who in ana ben cai dee eve; do printf '  %s: ' $who; p $who --json community show "$community" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const c=JSON.parse(s);console.log("ratified v"+(c.charter.versions.length-1)+", state hash", require("crypto").createHash("sha256").update(JSON.stringify(c)).digest("hex").slice(0,16))})'; done

say "9. A dossier anyone can verify offline"
p ana dossier export "$community" "$tmp/harbor.dossier" > /dev/null
p ana dossier verify "$tmp/harbor.dossier"
rm -rf "$tmp"
