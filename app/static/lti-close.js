// Tell the VLE that Dynamic Registration is finished, so it can close its window (LTI DR, section 3.6).
(window.opener || window.parent).postMessage({ subject: "org.imsglobal.lti.close" }, "*");
