import type { AnchorHTMLAttributes } from "react";
import { onLinkClick } from "../app/router";

export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  return <a {...props} onClick={(e) => (props.onClick ? props.onClick(e) : onLinkClick(e))} />;
}
