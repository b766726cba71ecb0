<?php
// Target C2 of contrib/bench/run.sh: the naive download script, which
// reads the whole file into a string and echoes it. It needs memory
// (memory_limit = -1) of the file's size per client, or more.
$root = getenv('DL_ROOT');
$path = realpath($root . ($_SERVER['PATH_INFO'] ?? ''));
if ($path === false || strpos($path, $root . '/') !== 0 || !is_file($path)) {
    http_response_code(404);
    exit;
}
header('Content-Type: application/octet-stream');
header('Content-Disposition: attachment; filename="' . basename($path) . '"');
header('Content-Length: ' . filesize($path));
echo file_get_contents($path);
