/* noop: a FastCGI responder that does nothing, the baseline for the HTTP benchmarks. */
#include <fcgi_stdio.h>

int main(void)
{
	while (FCGI_Accept() >= 0)
		printf("Content-Type: application/json\r\n\r\n{\"ok\": true}");
	return 0;
}
