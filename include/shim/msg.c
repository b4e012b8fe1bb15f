/* Addresses, stateless sending, and the parts of a reply the modules match it by. */
#include "shim.h"
#include "core/forward.h"
#include "core/parser/parse_cseq.h"

void krs_su2ip_addr(struct ip_addr *ip, union sockaddr_union *su)
{
	su2ip_addr(ip, su);
}

unsigned short krs_su_getport(union sockaddr_union *su)
{
	return su_getport(su);
}

int krs_msg_send_buffer(struct dest_info *dst, char *buf, int len)
{
	if (dst->send_sock == NULL) {
		dst->send_sock = get_send_socket(0, &dst->to, dst->proto);
		if (dst->send_sock == NULL)
			return -1;
	}
	return msg_send_buffer(dst, buf, len, 0) < 0 ? -1 : 0;
}

int krs_reply_callid(struct sip_msg *msg, str *callid)
{
	if (msg->first_line.type != SIP_REPLY)
		return -1;
	if (parse_headers(msg, HDR_CALLID_F, 0) < 0 || msg->callid == NULL)
		return -1;
	*callid = msg->callid->body;
	return msg->first_line.u.reply.statuscode;
}

int krs_reply_ids(struct sip_msg *msg, str *branch, str *cseq_num, str *cseq_method,
		int *proto)
{
	if (msg->via1 == NULL || msg->via1->branch == NULL)
		return -1;
	if (parse_headers(msg, HDR_CSEQ_F, 0) < 0 || msg->cseq == NULL
			|| msg->cseq->parsed == NULL)
		return -1;
	*branch = msg->via1->branch->value;
	*cseq_num = get_cseq(msg)->number;
	*cseq_method = get_cseq(msg)->method;
	*proto = msg->rcv.proto;
	return 0;
}
