<?php
// Target C of contrib/bench/run.sh: the typical PHP download script.
// The file is named by PATH_INFO below DL_ROOT (set in the pool's env[]);
// headers first, then readfile() streams it to the web server.
$root = getenv('DL_ROOT');
$path = realpath($root . ($_SERVER['PATH_INFO'] ?? ''));
if ($path === false || strpos($path, $root . '/') !== 0 || !is_file($path)) {
    http_response_code(404);
    exit;
}
header('Content-Type: application/octet-stream');
header('Content-Disposition: attachment; filename="' . basename($path) . '"');
header('Content-Length: ' . filesize($path));
readfile($path);
