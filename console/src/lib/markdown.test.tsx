import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Markdown } from "./markdown";

const html = (source: string) => renderToStaticMarkup(<Markdown source={source} />);

describe("notes' Markdown", () => {
  it("renders the subset", () => {
    expect(html("**Quote** sent, *call* back `Tue`\n- braces\n- whitening")).toBe(
      "<p><strong>Quote</strong> sent, <em>call</em> back <code>Tue</code><br/>- braces<br/>- whitening</p>",
    );
    expect(html("- braces\n- whitening")).toBe("<ul><li>braces</li><li>whitening</li></ul>");
    expect(html("[site](https://x.io)")).toBe(
      '<p><a href="https://x.io" rel="noopener noreferrer nofollow" target="_blank">site</a></p>',
    );
  });
  it("never makes HTML or script links from the text", () => {
    expect(html('<img src=x onerror="alert(1)">')).toBe("<p>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</p>");
    expect(html("[x](javascript:alert(1))")).toBe("<p>[x](javascript:alert(1))</p>");
  });
});
