# charon_keys.awk: one line per IKE SA and per Child SA direction, with SPIs and keys, from a
# charon log written with ike = 4, chd = 4, mgr = 2 and ike_name = yes (strongswan_peer.sh's
# "keys" level). -v fmt=kv|esp-sa|ikev2 (esp-sa and ikev2 are Wireshark's UAT table formats).
function hexof(s) { gsub(/ /, "", s); return tolower(s) }
function v(x) { return (x == "" ? "-" : x) }
function saltlen(alg) {
	if (alg ~ /^(AES_GCM|CHACHA20_POLY1305|AES_CTR|CAMELLIA_CTR)/) return 4
	if (alg ~ /^AES_CCM/) return 3
	return 0
}
function ike_dump(u, label, hex, th,   r) {
	if (label == "Sk_d secret") {
		if ((u in ikecur) && ik_pr[ikecur[u]] != "") { # a rekeyed IKE_SA: keys derived in the old SA context
			nike++; r = nike; ik_uid[r] = ""; ik_parent[r] = u; pending = r
			ik_role[r] = xrole[u]; ik_prop[r] = ikeprop_last[u]
		} else if (!(u in ikecur)) {
			nike++; r = nike; ik_uid[r] = u; ikeidx[u] = r
			# a rekeyed IKE_SA logs its keys in its own context: take role/proposal from the thread
			ik_role[r] = ((u in ikerole) ? ikerole[u] : xrole_th[th])
			ik_prop[r] = ((u in ikeprop_last) ? ikeprop_last[u] : ikeprop_th[th])
		} else r = ikecur[u]
		ikecur[u] = r
	}
	r = ikecur[u]; if (r == "") return
	if (label == "Sk_d secret") ik_d[r] = hex
	else if (label == "Sk_ai secret") ik_ai[r] = hex
	else if (label == "Sk_ar secret") ik_ar[r] = hex
	else if (label == "Sk_ei secret") ik_ei[r] = hex
	else if (label == "Sk_er secret") ik_er[r] = hex
	else if (label == "Sk_pi secret") ik_pi[r] = hex
	else if (label == "Sk_pr secret") { ik_pr[r] = hex; if (ik_uid[r] == "" && ik_role[r] == "") ik_role[r] = xrole[u] }
}
function child_dump(u, label, hex,   c) {
	c = chcur[u]; if (c == "") return
	if (label == "encryption initiator key") ch_ei[c] = hex
	else if (label == "encryption responder key") ch_er[c] = hex
	else if (label == "integrity initiator key") ch_ai[c] = hex
	else if (label == "integrity responder key") ch_ar[c] = hex
}
function flush(th,   l, u, h) {
	if (!(th in dlabel)) return
	l = dlabel[th]; u = duid[th]; h = dhex[th]
	delete dlabel[th]; delete duid[th]; delete dhex[th]
	if (l ~ /^Sk_/) ike_dump(u, l, h, th)
	else if (l ~ /^(encryption|integrity) (initiator|responder) key$/) child_dump(u, l, h)
}
{
	if (!match($0, /[0-9]+\[[A-Z]+\] /)) next
	th = substr($0, RSTART, RLENGTH - 1); sub(/\[.*/, "", th)
	msg = substr($0, RSTART + RLENGTH)
	u = ""
	if (substr(msg, 1, 1) == "<" && match(msg, /^<[^>]*> /)) {
		ctx = substr(msg, 2, RLENGTH - 3); msg = substr(msg, RLENGTH + 1)
		n = split(ctx, cp, "|"); u = cp[n]
	}
	# continuation of a hex dump: "%4d: " + 47 chars of hex
	if ((th in dlabel) && match(msg, /^ *[0-9]+: /)) {
		dhex[th] = dhex[th] hexof(substr(msg, RLENGTH + 1, 47))
		if (length(dhex[th]) >= 2 * dlen[th]) flush(th)
		next
	}
	flush(th)
	if (match(msg, / => [0-9]+ bytes @ 0x[0-9a-f]+$/)) {
		lab = substr(msg, 1, RSTART - 1)
		nb = substr(msg, RSTART + 4); sub(/ .*/, "", nb)
		if (u != "" && (lab ~ /^Sk_/ || lab ~ /^(encryption|integrity) (initiator|responder) key$/)) {
			dlabel[th] = lab; duid[th] = u; dhex[th] = ""; dlen[th] = nb + 0
			if (dlen[th] == 0) flush(th)
		}
		next
	}
	if (msg ~ /^generating IKE_SA_INIT request/) { ikerole[u] = "initiator"; next }
	if (msg ~ /^parsed IKE_SA_INIT request/) { ikerole[u] = "responder"; next }
	if (msg ~ /^(parsed|generating) (IKE_AUTH|CREATE_CHILD_SA) (request|response)/) {
		if (msg ~ /^parsed .* request/) xrole[u] = xrole_th[th] = "responder"
		else if (msg ~ /^parsed .* response/) xrole[u] = xrole_th[th] = "initiator"
		next
	}
	if (msg ~ /^selected proposal: IKE:/) { p = msg; sub(/^selected proposal: IKE:/, "", p); ikeprop_last[u] = p; ikeprop_th[th] = p; if (u in ikeidx && ik_prop[ikeidx[u]] == "") ik_prop[ikeidx[u]] = p; next }
	if (msg ~ /^selected proposal: (ESP|AH):/) { p = msg; sub(/^selected proposal: /, "", p); chprop_last[u] = p; next }
	if (match(msg, /^checkin IKEv2 SA .*\[[0-9]+\] with SPIs [0-9a-f]+_i [0-9a-f]+_r/)) {
		s = msg; sub(/^checkin IKEv2 SA /, "", s)
		nm = s; sub(/\[[0-9]+\] with SPIs.*/, "", nm)
		id = s; sub(/^.*\[/, "", id); sub(/\].*/, "", id)
		split(s, w, " with SPIs "); split(w[2], sp, " ")
		si = sp[1]; sub(/_i$/, "", si); sr = sp[2]; sub(/_r$/, "", sr)
		if (pending != "" && !(id in ikeidx) && id != ik_parent[pending]) {
			ik_uid[pending] = id; ikeidx[id] = pending; ikecur[id] = pending; pending = ""
		}
		if (id in ikeidx) {
			r = ikeidx[id]
			ik_si[r] = si
			if (sr !~ /^0+$/) ik_sr[r] = sr
			if (nm != "(unnamed)") ik_name[r] = nm
		}
		sa_name[id] = nm
		next
	}
	if (match(msg, /^IKE_SA .*\[[0-9]+\] state change: [A-Z_]+ => [A-Z_]+/)) {
		id = msg; sub(/^IKE_SA [^[]*\[/, "", id); sub(/\].*/, "", id)
		st = msg; sub(/.* => /, "", st)
		ikestate[id] = st
		next
	}
	if (match(msg, /^CHILD_SA .*\{[0-9]+\} state change: [A-Z_]+ => [A-Z_]+/)) {
		nm = msg; sub(/^CHILD_SA /, "", nm); sub(/\{.*/, "", nm)
		id = msg; sub(/^[^{]*\{/, "", id); sub(/\}.*/, "", id)
		st = msg; sub(/.* => /, "", st)
		if (msg ~ /CREATED => INSTALLING/) {
			nch++; c = nch; chcur[u] = c; chidx[id] = c
			ch_name[c] = nm; ch_id[c] = id; ch_ike[c] = u; ch_role[c] = xrole[u]
			ch_prop[c] = chprop_last[u]
		}
		if (id in chidx) ch_state[chidx[id]] = st
		next
	}
	if (msg ~ /^adding inbound (ESP|AH) SA/) { chdir[u] = "in"; next }
	if (msg ~ /^(adding|registering) outbound (ESP|AH) SA/) { chdir[u] = "out"; next }
	if (match(msg, /^ *SPI 0x[0-9a-f]+, src [^ ]+ dst [^ ]+/)) {
		c = chcur[u]; d = chdir[u]
		if (c != "" && d != "") {
			s = msg; sub(/^ *SPI 0x/, "", s); split(s, f, /,? /)
			ch_spi[c, d] = f[1]; ch_src[c, d] = f[3]; ch_dst[c, d] = f[5]
		}
		next
	}
	if (msg ~ /CHILD_SA .*\{[0-9]+\} established with SPIs/) {
		id = msg; sub(/^[^{]*\{/, "", id); sub(/\}.*/, "", id)
		if (id in chidx) ch_ok[chidx[id]] = 1
		next
	}
}
function esp_enc_name(a) {
	if (a ~ /^AES_GCM_16/) return "AES-GCM with 16 octet ICV [RFC4106]"
	if (a ~ /^AES_GCM_12/) return "AES-GCM with 12 octet ICV [RFC4106]"
	if (a ~ /^AES_GCM_8/) return "AES-GCM with 8 octet ICV [RFC4106]"
	if (a ~ /^AES_CBC/) return "AES-CBC [RFC3602]"
	if (a ~ /^AES_CTR/) return "AES-CTR [RFC3686]"
	if (a ~ /^3DES/) return "TripleDES-CBC [RFC2451]"
	if (a ~ /^NULL/) return "NULL"
	return ""
}
function esp_int_name(a) {
	if (a == "" || a == "-") return "NULL"
	if (a == "HMAC_SHA1_96") return "HMAC-SHA-1-96 [RFC2404]"
	if (a == "HMAC_SHA2_256_128") return "HMAC-SHA-256-128 [RFC4868]"
	if (a == "HMAC_SHA2_384_192") return "HMAC-SHA-384-192 [RFC4868]"
	if (a == "HMAC_SHA2_512_256") return "HMAC-SHA-512-256 [RFC4868]"
	if (a == "HMAC_MD5_96") return "HMAC-MD5-96 [RFC2403]"
	return ""
}
function ike_enc_name(a,   k) {
	k = a; sub(/^.*_/, "", k)
	if (a ~ /^AES_GCM_16_/) return "AES-GCM-" k " with 16 octet ICV [RFC5282]"
	if (a ~ /^AES_GCM_12_/) return "AES-GCM-" k " with 12 octet ICV [RFC5282]"
	if (a ~ /^AES_GCM_8_/) return "AES-GCM-" k " with 8 octet ICV [RFC5282]"
	if (a ~ /^AES_CCM_16_/) return "AES-CCM-" k " with 16 octet ICV [RFC5282]"
	if (a ~ /^AES_CBC_/) return "AES-CBC-" k " [RFC3602]"
	if (a ~ /^AES_CTR_/) return "AES-CTR-" k " with 32 bit nonce [RFC5930]"
	if (a ~ /^3DES/) return "3DES [RFC2451]"
	return ""
}
function ike_int_name(a) {
	if (a == "" || a == "-") return "NONE [RFC4306]"
	if (a == "HMAC_SHA1_96") return "HMAC_SHA1_96 [RFC2404]"
	if (a == "HMAC_SHA2_256_128") return "HMAC_SHA2_256_128 [RFC4868]"
	if (a == "HMAC_SHA2_384_192") return "HMAC_SHA2_384_192 [RFC4868]"
	if (a == "HMAC_SHA2_512_256") return "HMAC_SHA2_512_256 [RFC4868]"
	return ""
}
# split "AES_CBC_128/HMAC_SHA2_256_128/ECP_256/NO_EXT_SEQ" into encr/integ
function algs(p,   n, t, i) {
	A_enc = ""; A_int = ""
	sub(/^(ESP|AH|IKE):/, "", p)
	n = split(p, t, "/")
	for (i = 1; i <= n; i++) {
		if (i == 1 && t[i] !~ /^(HMAC|AES_XCBC|AES_CMAC)/) A_enc = t[i]
		else if (t[i] ~ /^(HMAC_|AES_XCBC|AES_CMAC)/) A_int = t[i]
	}
}
END {
	for (th in dlabel) flush(th)
	for (r = 1; r <= nike; r++) {
		u = ik_uid[r]
		if (ik_name[r] == "" && u != "" && (u in sa_name) && sa_name[u] != "(unnamed)") ik_name[r] = sa_name[u]
		algs(ik_prop[r])
		if (fmt == "kv") {
			printf "ike uid=%s name=%s role=%s state=%s spi_i=%s spi_r=%s proposal=%s encr=%s integ=%s", v(u), v(ik_name[r]), v(ik_role[r]), v(u == "" ? "" : ikestate[u]), v(ik_si[r]), v(ik_sr[r]), v(ik_prop[r]), v(A_enc), v(A_int)
			printf " sk_d=%s sk_ai=%s sk_ar=%s sk_ei=%s sk_er=%s sk_pi=%s sk_pr=%s\n", v(ik_d[r]), v(ik_ai[r]), v(ik_ar[r]), v(ik_ei[r]), v(ik_er[r]), v(ik_pi[r]), v(ik_pr[r])
		} else if (fmt == "ikev2") {
			en = ike_enc_name(A_enc); in_ = ike_int_name(A_int)
			if (en == "" || in_ == "" || ik_si[r] == "" || ik_sr[r] == "") { printf "# IKE_SA uid=%s (%s): not expressible for Wireshark\n", v(u), ik_prop[r]; continue }
			printf "%s,%s,%s,%s,\"%s\",%s,%s,\"%s\"\n", ik_si[r], ik_sr[r], ik_ei[r], ik_er[r], en, ik_ai[r], ik_ar[r], in_
		}
	}
	for (c = 1; c <= nch; c++) {
		if (!ch_ok[c]) continue
		algs(ch_prop[c]); sl = saltlen(A_enc)
		for (k = 1; k <= 2; k++) {
			d = (k == 1 ? "in" : "out")
			if (!((c, d) in ch_spi)) continue
			# exchange initiator: inbound uses the responder keys, outbound the initiator keys
			if ((ch_role[c] == "initiator") == (d == "out")) { km = ch_ei[c]; ik = ch_ai[c] } else { km = ch_er[c]; ik = ch_ar[c] }
			key = km; salt = ""
			if (sl > 0 && length(km) > 2 * sl) { key = substr(km, 1, length(km) - 2 * sl); salt = substr(km, length(km) - 2 * sl + 1) }
			if (fmt == "kv") {
				printf "child uid=%s name=%s ike_uid=%s role=%s state=%s dir=%s spi=%s src=%s dst=%s proposal=%s encr=%s keymat=%s key=%s salt=%s integ=%s integ_key=%s\n", ch_id[c], ch_name[c], ch_ike[c], v(ch_role[c]), v(ch_state[c]), d, ch_spi[c, d], ch_src[c, d], ch_dst[c, d], v(ch_prop[c]), v(A_enc), v(km), v(key), v(salt), v(A_int), v(ik)
			} else if (fmt == "esp-sa") {
				en = esp_enc_name(A_enc); in_ = esp_int_name(A_int)
				if (en == "" || in_ == "") { printf "# CHILD_SA %s{%s} %s: %s not supported by this Wireshark table\n", ch_name[c], ch_id[c], d, A_enc; continue }
				fam = (ch_src[c, d] ~ /:/ ? "IPv6" : "IPv4")
				printf "\"%s\",\"%s\",\"%s\",\"0x%s\",\"%s\",\"0x%s\",\"%s\",\"%s\"\n", fam, ch_src[c, d], ch_dst[c, d], ch_spi[c, d], en, km, in_, (ik == "" ? "" : "0x" ik)
			}
		}
	}
}
