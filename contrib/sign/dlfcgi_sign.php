<?php
// Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE.
// Signed dlfcgi links, version 1 (dlfcgi(8), SIGNED LINKS): the same
// link dlfcgi-sign(1) prints. Use dlfcgi_sign_link() from your
// application, or:
//   php dlfcgi_sign.php KEYFILE KID PATH EXP [nbf=N] [ip=A] [pfx=P] [dl=NAME] [rate=N]

// The path as dlfcgi compares it: one leading '/', no empty or '.'
// component; a prefix ends in '/'.
function dlfcgi_sign_normalize(string $path, bool $prefix = false): string
{
	$parts = array_values(array_filter(explode('/', $path),
	    fn($c) => $c !== '' && $c !== '.'));
	if (in_array('..', $parts, true) || strpos($path, "\0") !== false)
		throw new InvalidArgumentException("refused path $path");
	$out = '/' . implode('/', $parts);
	return $prefix && substr($out, -1) !== '/' ? "$out/" : $out;
}

// Path and query of a link to $path ($key: the key file's bytes). With
// $pfx the link is good for every file below it, and $path ('': $pfx
// itself) is the one it is written for.
function dlfcgi_sign_link(string $key, string $kid, string $path, int $exp,
    ?int $nbf = null, string $ip = '', string $pfx = '', string $dl = '',
    ?int $rate = null): string
{
	$pfx = $pfx !== '' ? dlfcgi_sign_normalize($pfx, true) : '';
	$path = $path !== '' || $pfx === '' ? dlfcgi_sign_normalize($path) : $pfx;
	if (strncmp($path, $pfx, strlen($pfx)) !== 0)
		throw new InvalidArgumentException("$path is not below $pfx");
	$num = fn($v) => $v === null ? '' : (string)$v;
	$fields = ['dlfcgi-sign-1', $pfx !== '' ? '' : $path, $pfx, $num($exp),
	    $num($nbf), $kid, $ip, $dl, $num($rate)];
	$msg = implode("\0", $fields) . "\0";
	$sig = rtrim(strtr(base64_encode(hash_hmac('sha256', $msg, $key, true)),
	    '+/', '-_'), '=');
	$q = ['exp' => $num($exp), 'nbf' => $num($nbf), 'kid' => $kid,
	    'ip' => $ip, 'pfx' => $pfx, 'dl' => $dl, 'rate' => $num($rate),
	    'sig' => $sig];
	$pairs = [];
	foreach ($q as $n => $v)
		if ($v !== '')
			$pairs[] = "$n=" . rawurlencode($v);
	return implode('/', array_map('rawurlencode', explode('/', $path))) .
	    '?' . implode('&', $pairs);
}

if (PHP_SAPI === 'cli' && realpath($argv[0]) === __FILE__) {
	if ($argc < 5) {
		fwrite(STDERR, "usage: php dlfcgi_sign.php KEYFILE KID PATH EXP [name=value ...]\n");
		exit(1);
	}
	$o = [];
	foreach (array_slice($argv, 5) as $a) {
		[$n, $v] = explode('=', $a, 2);
		$o[$n] = $v;
	}
	$int = fn($n) => isset($o[$n]) ? (int)$o[$n] : null;
	echo dlfcgi_sign_link(file_get_contents($argv[1]), $argv[2], $argv[3],
	    (int)$argv[4], $int('nbf'), $o['ip'] ?? '', $o['pfx'] ?? '',
	    $o['dl'] ?? '', $int('rate')), "\n";
}
